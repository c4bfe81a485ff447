"""Writes the SPSS / Stata input files of cases-formats.json into files/ (prefix formats-), from the fixtures
of Tests/WeightingTests/Fixtures/formats (made by pyreadstat and R haven). Run from this folder."""
import shutil

FIX = "../../WeightingTests/Fixtures/formats/"
sav = open(FIX + "haven.sav", "rb").read()
# Cut inside the data: the dictionary reads, the records end early.
open("files/formats-truncated.sav", "wb").write(sav[: len(sav) - 1500])
# A Stata file whose header names release 121, which no Stata wrote.
dta = open(FIX + "haven.dta", "rb").read()
assert b"<release>118</release>" in dta
open("files/formats-release121.dta", "wb").write(dta.replace(b"<release>118</release>", b"<release>121</release>", 1))
# A Stata 102 file (Stata 2): release byte 102, then a little-endian header; ReadStat reads 104 and later.
open("files/formats-stata102.dta", "wb").write(bytes([102, 2, 1, 0, 1, 0, 1, 0, 0, 0]) + b"\0" * 150)
# A delimited text file named .sav.
open("files/formats-text.sav", "w").write("id,region\n1,Occitanie\n")
shutil.copy(FIX + "haven.sav", "files/formats-good.sav")
shutil.copy(FIX + "haven.dta", "files/formats-good.dta")
open("files/formats-m.csv", "w").write(
    "variable,level,target\nregion,Auvergne-Rhône-Alpes,4025\nregion,Occitanie,4446\nregion,Île-de-France,1266\n"
    "region,Provence-Alpes-Côte d'Azur,946\n")
open("files/formats-m-codes.csv", "w").write(
    "variable,level,target\nregion,84,4025\nregion,76,4446\nregion,11,1266\nregion,93,946\n")
