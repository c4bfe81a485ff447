# Writes choices-tiny.sav (the corpus input of the case "replicate weights of a .sav asked as CSV").
import pandas as pd, pyreadstat
df = pd.DataFrame({"g": [1.0, 2, 1, 2, 1], "y": [0.5, 1.5, 2.5, 3.5, 4.5]})
pyreadstat.write_sav(df, "choices-tiny.sav", variable_value_labels={"g": {1: "un", 2: "deux"}})
