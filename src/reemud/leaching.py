r"""Leaching: REY recovery into a pregnant liquor and acid consumption (issue-2 model).

Recoveries are the optimum extractions Takaya et al. (2015, Geochem. J. 49:637–652) measured on
>5,000 ppm Minamitorishima mud at 0.25–0.5 mol/L acid, 2–5 min, 25 °C: 95.1 % of REY other than
Ce with HCl and 81.3 % with H₂SO₄. Ce, held largely in Mn oxides, leaches poorly; its recovery
comes from another deep-sea sediment (30.7 % with HCl; domain.md §2).

Acid consumption per tonne of leach feed (models.md §4.1):

.. math::

    a = f_{ap} \frac{10}{\nu} \frac{M_{acid}}{M_{HAp}} \cdot 10^3
        + c \, (L/S) \, M_{acid}  \quad [kg/t]

with hydroxyapatite ``Ca5(PO4)3(OH) + 10 H⁺ → 5 Ca²⁺ + 3 H3PO4 + H2O`` (M_HAp = 502.31 g/mol),
``ν`` protons per mole of acid, and the free acid of the liquor at concentration ``c`` [mol/L]
and liquid/solid ratio ``L/S`` [L/kg] counted as consumed (not recycled). Gives 0.726 kg HCl per
kg apatite, as models.md §4.1.
"""

from __future__ import annotations

import numpy as np

from reemud.elements import INDEX, N_ELEMENTS

HYDROXYAPATITE_G_PER_MOL = 502.31  # Ca5(PO4)3(OH): 5×40.078 + 3×(30.974 + 4×15.999) + 17.007
PROTONS_PER_APATITE = 10.0


def takaya2015_recoveries(recovery_rey_ex_ce, recovery_ce):
    """Per-element leach recovery [-]: one value for all REY but Ce, and Ce's own (REY order)."""
    rec = np.broadcast_to(np.asarray(recovery_rey_ex_ce, dtype=float)[..., None],
                          np.shape(recovery_rey_ex_ce) + (N_ELEMENTS,)).copy()
    rec[..., INDEX["Ce"]] = recovery_ce
    return rec


def apatite_acid_kg_per_kg(acid_molar_mass_g_per_mol, protons_per_mol):
    """Acid consumed to dissolve 1 kg of hydroxyapatite to H3PO4 [kg acid / kg apatite]."""
    mol_acid = PROTONS_PER_APATITE / np.asarray(protons_per_mol)
    return mol_acid * np.asarray(acid_molar_mass_g_per_mol) / HYDROXYAPATITE_G_PER_MOL


def acid_consumption_kg_per_dry_t(apatite_fraction, acid_concentration_mol_per_l,
                                  liquid_to_solid_l_per_kg, acid_molar_mass_g_per_mol,
                                  protons_per_mol):
    """Acid consumed per dry tonne of leach feed [kg/t]: apatite dissolution + free acid."""
    dissolution = (np.asarray(apatite_fraction)
                   * apatite_acid_kg_per_kg(acid_molar_mass_g_per_mol, protons_per_mol) * 1000.0)
    free = (np.asarray(acid_concentration_mol_per_l) * np.asarray(liquid_to_solid_l_per_kg)
            * np.asarray(acid_molar_mass_g_per_mol))  # g/kg = kg/t
    return dissolution + free
