import pytest

from shop.cart import Cart


def test_add_and_total():
    c = Cart()
    c.add("apple", 0.5, 4)
    c.add("pear", 1.25)
    assert c.total() == 3.25


def test_add_same_sku_accumulates():
    c = Cart()
    c.add("apple", 0.5)
    c.add("apple", 0.5, 2)
    assert c.count() == 3


def test_discount():
    c = Cart()
    c.add("tv", 200)
    assert c.total(discount_percent=10) == 180


def test_remove():
    c = Cart()
    c.add("apple", 0.5)
    c.remove("apple")
    assert c.count() == 0


@pytest.mark.parametrize("qty", [0, -1])
def test_rejects_bad_quantity(qty):
    with pytest.raises(ValueError):
        Cart().add("apple", 1, qty)


def test_rejects_negative_price():
    with pytest.raises(ValueError):
        Cart().add("apple", -1)
