# PrometheusRule template of the infra-observability repository (rendered by the platform).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: shop-cart
spec:
  groups:
    - name: shop-cart
      rules:
        - alert: ShopCartDown
          expr: avg(up{namespace="{{ .namespace }}", job="shop-cart"}) < 1
          for: 5m
          labels: {severity: critical}
          annotations: {summary: shop-cart is not answering its scrapes}
        - alert: ShopCartErrorRate
          expr: sum(rate(shop_cart_orders_total{status="failed"}[5m])) / sum(rate(shop_cart_orders_total[5m])) > 0.05
          for: 10m
          labels: {severity: warning}
