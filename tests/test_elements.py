import numpy as np
import pytest

from reemud import elements

# Oxide factors of docs/models/deposit.md §2.1 (derived there from atomic weights), 3 decimals.
DOMAIN_FACTORS = {"La": 1.173, "Ce": 1.228, "Pr": 1.208, "Nd": 1.166, "Sm": 1.160, "Eu": 1.158,
                  "Gd": 1.153, "Tb": 1.176, "Dy": 1.148, "Ho": 1.146, "Er": 1.144, "Tm": 1.142,
                  "Yb": 1.139, "Lu": 1.137, "Y": 1.270}


def test_fifteen_rey_in_canonical_order():
    assert elements.REY == ("La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er",
                            "Tm", "Yb", "Lu", "Y")


@pytest.mark.parametrize(("symbol", "factor"), DOMAIN_FACTORS.items())
def test_oxide_factor_matches_domain_table(symbol, factor):
    assert elements.OXIDE_FACTOR[elements.INDEX[symbol]] == pytest.approx(factor, abs=6e-4)


def test_nd2o3_factor_by_hand():
    # Nd2O3: (2 x 144.242 + 3 x 15.999) / (2 x 144.242)
    assert elements.OXIDE_FACTOR[3] == pytest.approx((2 * 144.242 + 3 * 15.999) / (2 * 144.242),
                                                     rel=1e-15)


def test_round_trip_element_oxide():
    x = np.linspace(1.0, 15.0, 15)
    np.testing.assert_allclose(elements.oxide_to_element_t(elements.element_to_oxide_t(x)), x,
                               rtol=1e-15)


def test_constants_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        elements.OXIDE_FACTOR[0] = 2.0


def test_as_dict_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"expected shape \(15,\), got \(3,\)"):
        elements.as_dict(np.zeros(3))
