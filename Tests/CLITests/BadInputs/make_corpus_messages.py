#!/usr/bin/env python3
"""Writes the 'messages' part of the bad-input corpus (issue 11, items 5, 6 and 10): files/messages_* and
cases-messages.json. Run from this folder: python3 make_corpus_messages.py

Undefined values (one-record domain with replicate variance, values near 1e308), names and options
(--weight-column, tolerances), and messages a user can act on (UTF-16, invisible characters shown escaped, long
values cut, lone-CR line endings, Foundation file errors in plain words, a wave identical to wave 1, a missing
covariate).
"""
import json
import os

F = "files"
os.makedirs(F, exist_ok=True)
files = {}


def put(name, text=None, raw=None):
    assert name.startswith("messages_")
    files[name] = raw if raw is not None else text.encode("utf-8")


# The same sample as make_corpus.py's good.csv (60 rows), rebuilt here so this script stands alone.
GOOD = "id,region,taille,oui,score,d,strate,psu\n" + "".join(
    f"{i},{['Nord', 'Sud', 'Est'][i % 3]},{['petite', 'grande'][(i // 3) % 2]},{['oui', 'non'][(i * 7) % 5 < 2]},{i % 11 + 0.5},{1 + i % 4},{['A', 'B'][i % 2]},{i // 2}\n"
    for i in range(60))
lines = GOOD.rstrip("\n").split("\n")

# Encodings and line endings.
put("messages_utf16le_bom.csv", raw=GOOD.encode("utf-16"))          # FF FE then little-endian
put("messages_utf16be.csv", raw=GOOD.encode("utf-16-be"))           # no byte-order mark
put("messages_lone_cr.csv", GOOD.replace("\n", "\r"))
put("messages_lone_cr_ragged.csv", "\r".join(lines[:4] + ["4,Sud,petite"] + lines[5:]) + "\r")
put("messages_m_lone_cr.csv", "variable,level,target\rregion,Nord,400\rregion,Sud,350\rregion,Est,250\r")

# Invisible characters and long values.
put("messages_nbsp_level.csv", "\n".join(lines[:4] + [lines[4].replace("Nord", "Nord\u00a0")] + lines[5:]) + "\n")
put("messages_nul_level.csv", "\n".join(lines[:2] + [lines[2].replace("Sud", "Sud\u0000")] + lines[3:]) + "\n")
put("messages_nbsp_header.csv", GOOD.replace(",d,", ",d\u00a0,", 1))
put("messages_giant_level.csv", "\n".join(lines[:5] + [lines[5].replace("Sud", "S" * 100000)] + lines[6:]) + "\n")

# Undefined values: a domain with one respondent under replicate variance; values near the largest double.
put("messages_one_in_domain.csv", "region,x\nA,1\nA,2\nB,3\nC,4\nC,5\n")
put("messages_huge.csv", "region,x\nA,1e308\nA,1.5e308\nB,1.7e308\nB,1\n")
put("messages_m_huge.csv", "variable,level,target\nregion,A,10\nregion,B,10\n")
put("messages_m_huge_total.csv", "variable,level,target\nregion,A,10\nregion,B,10\nx,,1e308\n")

# Panel: wave 2 keeps three quarters of wave 1; a wave 2 that repeats wave 1; a covariate with a missing value.
wave2 = [lines[0]] + [l for l in lines[1:] if int(l.split(",")[0]) % 4 != 1]
put("messages_w1.csv", GOOD)
put("messages_w2.csv", "\n".join(wave2) + "\n")
put("messages_w2_same.csv", GOOD)
put("messages_w1_missing_cov.csv", "\n".join(lines[:7] + [lines[7].replace(",oui,", ",,").replace(",non,", ",,")] + lines[8:]) + "\n")
put("messages_bad_batch.json", '{"jobs": [{"command": "calibrate"')
put("messages_w1_weight_column.csv", GOOD.replace(",d,", ",weight,", 1))
put("messages_not_a_folder", "a file standing where attrition's --output-dir should be a folder\n")

M = "m.csv"
ATTR = ["attrition", "--id", "id", "--covariates", "region,taille", "--margins", M]
cases = [
    # Item 10: encodings, line endings, invisible characters, cut values, plain words.
    ("messages: UTF-16 with byte-order mark", ["calibrate", "messages_utf16le_bom.csv", "--margins", M, "-o", "o.csv"], 1,
     "messages_utf16le_bom.csv: the file is UTF-16 (little-endian: its byte-order mark FF FE says so)"),
    ("messages: UTF-16 without byte-order mark", ["calibrate", "messages_utf16be.csv", "--margins", M, "-o", "o.csv"], 1,
     "the file is UTF-16 (big-endian: every other byte is NUL)"),
    ("messages: UTF-16 margins", ["calibrate", "good.csv", "--margins", "messages_utf16le_bom.csv", "-o", "o.csv"], 1,
     "iconv -f UTF-16 -t UTF-8"),
    ("messages: lone-CR line endings are read", ["calibrate", "messages_lone_cr.csv", "--margins", M, "-o", "o.csv"], 0,
     "60 respondents"),
    ("messages: lone-CR line numbers", ["calibrate", "messages_lone_cr_ragged.csv", "--margins", M, "-o", "o.csv"], 1,
     "messages_lone_cr_ragged.csv:5: expected 8 fields"),
    ("messages: lone-CR margins", ["estimate", "good.csv", "--variables", "score", "--margins", "messages_m_lone_cr.csv",
                                   "--method", "raking"], 0, "score,,,"),
    ("messages: no-break space in a level is shown", ["calibrate", "messages_nbsp_level.csv", "--margins", M, "-o", "o.csv"], 1,
     "'Nord\\u{A0}' of region"),
    ("messages: NUL in a level is shown", ["calibrate", "messages_nul_level.csv", "--margins", M, "-o", "o.csv"], 1,
     "'Sud\\0' of region"),
    ("messages: no-break space in a column name is shown", ["calibrate", "messages_nbsp_header.csv", "--margins", M,
                                                          "--weight", "d", "-o", "o.csv"], 1,
     "no column named 'd' (columns are: id, region, taille, oui, score, d\\u{A0}, strate, psu)"),
    ("messages: a giant level is cut in the message", ["calibrate", "messages_giant_level.csv", "--margins", M, "-o", "o.csv"], 1,
     "… (100000 characters)' of region"),
    ("messages: a giant option value is cut", ["calibrate", "good.csv", "--margins", M, "--method", "x" * 10000], 1,
     "… (10000 characters)'"),
    ("messages: output folder is a file", ATTR + ["--wave1", "messages_w1.csv", "--wave", "messages_w2.csv",
                                                  "--output-dir", "messages_not_a_folder"], 3,
     "cannot write messages_not_a_folder/wave1_weighted.csv: Not a directory"),
    ("messages: a JSON batch file that does not parse is said in plain words", ["batch", "messages_bad_batch.json"], 1,
     "messages_bad_batch.json: cannot parse: Unexpected end of file during JSON parse."),
    ("messages: a wave already has attrition's weight column", ATTR + ["--wave1", "messages_w1_weight_column.csv", "--wave",
                                                                        "messages_w2.csv", "--output-dir", "out"], 1,
     "messages_w1_weight_column.csv already has a column 'weight', which attrition writes in its weighted files"),
    ("messages: a wave identical to wave 1", ATTR + ["--wave1", "messages_w1.csv", "--wave", "messages_w2_same.csv",
                                                      "--output-dir", "out"], 1,
     "wave 2: all 60 wave-1 respondents are present (the wave holds the same respondents as wave 1): nobody left"),
    ("messages: a missing covariate is a covariate", ATTR[:4] + ["region,oui"] + ATTR[5:] + ["--wave1", "messages_w1_missing_cov.csv", "--wave",
                                                             "messages_w2.csv", "--output-dir", "out"], 1,
     "covariate 'oui' of the response model is missing for 1 wave-1 record(s), first at messages_w1_missing_cov.csv:8:4"),
    # Item 6: names and options.
    ("messages: empty weight column name", ["calibrate", "good.csv", "--margins", M, "--weight-column", "", "-o", "o.csv"], 1,
     "--weight-column must not be empty or blank"),
    ("messages: weight column name with spaces", ["calibrate", "good.csv", "--margins", M, "--weight-column", " region ",
                                                 "-o", "o.csv"], 1, "starts or ends with a space"),
    ("messages: weight column already in the data", ["calibrate", "good.csv", "--margins", M, "--weight-column", "region",
                                                     "-o", "o.csv"], 1,
     "good.csv already has a column 'region' (column 2); choose another name"),
    ("messages: margin tolerance NaN", ["calibrate", "good.csv", "--margins", M, "--margin-tolerance", "nan", "-o", "o.csv"], 1,
     "--margin-tolerance must be a finite number ≥ 0"),
    ("messages: negative margin tolerance", ["calibrate", "good.csv", "--margins", M, "--margin-tolerance=-1", "-o", "o.csv"], 1,
     "--margin-tolerance must be a finite number ≥ 0"),
    ("messages: infinite tolerance", ["calibrate", "good.csv", "--margins", M, "--tolerance", "inf", "-o", "o.csv"], 1,
     "--tolerance must be a finite number ≥ 0"),
    ("messages: margin tolerance NaN in compare", ["compare", "good.csv", "--variables", "oui", "--margins", M,
                                                  "--margin-tolerance", "nan", "-o", "o.csv"], 1,
     "--margin-tolerance must be a finite number ≥ 0"),
    ("messages: zero iterations", ["calibrate", "good.csv", "--margins", M, "--max-iterations", "0", "-o", "o.csv"], 1,
     "--max-iterations must be at least 1"),
    ("messages: infinite bounds", ["calibrate", "good.csv", "--margins", M, "--method", "logit", "--bounds", "0.5,inf",
                                   "-o", "o.csv"], 1, "--bounds takes two finite numbers"),
    # Item 5: never NaN or infinity.
    ("messages: one-record domain with replicate variance", ["estimate", "messages_one_in_domain.csv", "--variables", "x",
                                                            "--by", "region", "--variance", "jk1", "-o", "o.csv"], 0,
     "se of 'x' in domain region=B is undefined"),
    ("messages: one-record domain in JSON", ["estimate", "messages_one_in_domain.csv", "--variables", "x", "--by", "region",
                                             "--variance", "jk1", "--format", "json", "-o", "o.csv"], 0,
     "the field is left empty (null in JSON)"),
    ("messages: one-record domain in Markdown", ["estimate", "messages_one_in_domain.csv", "--variables", "x", "--by", "region",
                                                 "--variance", "jk1", "--format", "md", "-o", "o.csv"], 0,
     "se of 'x' in domain region=B is undefined"),
    ("messages: a total that overflows", ["estimate", "messages_huge.csv", "--variables", "x", "--statistic", "total",
                                          "-o", "o.csv"], 0, "estimate of 'x' is undefined: it overflows"),
    ("messages: a mean that overflows, JSON", ["estimate", "messages_huge.csv", "--variables", "x", "--format", "json",
                                               "-o", "o.csv"], 0, "estimate of 'x' is undefined: it overflows"),
    ("messages: a calibration that overflows", ["calibrate", "messages_huge.csv", "--margins", "messages_m_huge_total.csv",
                                                "--method", "linear", "-o", "o.csv"], 1,
     "calibration failed numerically: the weighted totals overflow (values or targets near ±1.8e308, in x)"),
    ("messages: compare with values that overflow", ["compare", "messages_huge.csv", "--variables", "x", "--margins",
                                                     "messages_m_huge.csv", "--format", "json", "-o", "o.csv"], 0,
     "is undefined"),
]

# What the success cases must write (expected tables from expected/make_expected.R, or fragments with the values).
CHECKS = {
    "messages: lone-CR line endings are read": {"outputs": {"o.csv": {"expected": "rake_good.csv"}}},
    "messages: lone-CR margins": {"stdout": {"expected": "estimate_lone_cr_margins.csv"}},
    "messages: one-record domain with replicate variance": {"outputs": {"o.csv": {"expected": "estimate_one_in_domain_jk1.csv"}}},
    "messages: one-record domain in JSON": {"outputs": {"o.csv": {"contains": [
        '"se" : null', '"estimate" : 3,', '"ciLow" : -0.2559780661701656', '"ciHigh" : 6.255978066170165']}}},
    "messages: one-record domain in Markdown": {"outputs": {"o.csv": {"contains": ["| 0.6325 | -0.2560 – 3.2560 |", "| 3.0000 |  |", "se of 'x' in domain region=B is undefined"]}}},
    "messages: a total that overflows": {"outputs": {"o.csv": {"expected": "estimate_total_overflows.csv"}}},
    "messages: a mean that overflows, JSON": {"outputs": {"o.csv": {"contains": ['"estimate" : null', '"se" : null', '"n" : 4']}}},
    "messages: compare with values that overflow": {"outputs": {"o.csv": {"contains": ['"weighted" : null', '"raw" : null']}}},
}

for name, data in files.items():
    with open(os.path.join(F, name), "wb") as f:
        f.write(data)
with open("cases-messages.json", "w", encoding="utf-8") as f:
    json.dump([dict({"name": n, "args": a, "exit": e, "message": m}, **CHECKS.get(n, {})) for n, a, e, m in cases],
              f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(files)} files, {len(cases)} cases")
