groups:
  - name: api
    rules:
      - alert: ApiDown
        expr: up{job="api"} == 0
