"""Codes of the barometer fixtures (the same as make_fixtures.py's)."""
REGIONS = {
    "Guadeloupe": 1, "Martinique": 2, "Guyane": 3, "La Réunion": 4, "Mayotte": 6, "Île-de-France": 11,
    "Centre-Val de Loire": 24, "Bourgogne-Franche-Comté": 27, "Normandie": 28, "Hauts-de-France": 32,
    "Grand Est": 44, "Pays de la Loire": 52, "Bretagne": 53, "Nouvelle-Aquitaine": 75, "Occitanie": 76,
    "Auvergne-Rhône-Alpes": 84, "Provence-Alpes-Côte d'Azur": 93, "Corse": 94,
}
TAILLES = ["moins de 500", "500-999", "1000-3499", "3500-9999", "10000-49999", "50000 et plus"]
YESNO = ["site_web", "feuille_de_route", "open_data", "charte_teletravail", "saas", "formation_cyber"]
