from decimal import Decimal

from calc import whatif_leverage


def test_source_document_example_exposure_and_debit():
    result = whatif_leverage(Decimal(100000), Decimal("1.5"))
    assert result.exposure == Decimal(150000)
    assert result.sleeve_cash == Decimal(-50000)
