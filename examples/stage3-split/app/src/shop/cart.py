"""A tiny shopping cart: the code under test in this example."""


class Cart:
    def __init__(self):
        self.lines = {}

    def add(self, sku, price, qty=1):
        if qty <= 0:
            raise ValueError("quantity must be positive")
        if price < 0:
            raise ValueError("price must not be negative")
        line = self.lines.get(sku)
        if line:
            line["qty"] += qty
        else:
            self.lines[sku] = {"price": price, "qty": qty}

    def remove(self, sku):
        self.lines.pop(sku, None)

    def total(self, discount_percent=0):
        subtotal = sum(l["price"] * l["qty"] for l in self.lines.values())
        if discount_percent:
            subtotal = subtotal * (100 - discount_percent) / 100
        return round(subtotal, 2)

    def count(self):
        return sum(l["qty"] for l in self.lines.values())
