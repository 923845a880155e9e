"""End-to-end flow of the example: fill a cart, apply a discount, check out."""

from shop.cart import Cart


def test_checkout_flow():
    cart = Cart()
    cart.add("mug", 9.5, 2)
    cart.add("poster", 12)
    assert cart.count() == 3
    assert cart.total(discount_percent=10) == 27.9


def test_empty_cart_checkout_total_is_zero():
    assert Cart().total() == 0
