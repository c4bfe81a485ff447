#!/usr/bin/env python3
"""Writes the bad-input corpus: files/ (data, margins, batch files, some with raw bytes) and cases.json.

Each case: the weight-cli arguments (run in a scratch copy of files/), the expected exit code and a fragment of
the expected message (stderr or stdout). Optional fields (BadInputCorpusTests.swift documents them):
`outputs` names every file the command may create or change, each with its expectation, and `stdout` the
expectation on standard output; an expectation's `expected` names a file of expected/ (made by
expected/make_expected.R from R survey) whose columns the output must hold, row for row. A success case must
assert values through at least one `expected`. Run from this folder: python3 make_corpus.py
"""
import json
import os

F = "files"
os.makedirs(F, exist_ok=True)
files = {}


def put(name, text=None, raw=None):
    files[name] = raw if raw is not None else text.encode("utf-8")


GOOD = "id,region,taille,oui,score,d,strate,psu\n" + "".join(
    f"{i},{['Nord', 'Sud', 'Est'][i % 3]},{['petite', 'grande'][(i // 3) % 2]},{['oui', 'non'][(i * 7) % 5 < 2]},{i % 11 + 0.5},{1 + i % 4},{['A', 'B'][i % 2]},{i // 2}\n"
    for i in range(60))
MARGINS = "variable,level,target\nregion,Nord,400\nregion,Sud,350\nregion,Est,250\ntaille,petite,700\ntaille,grande,300\n"
put("good.csv", GOOD)
put("m.csv", MARGINS)
lines = GOOD.split("\n")

# Data files.
put("ragged.csv", "\n".join(lines[:5] + ["5,Sud,petite"] + lines[6:]))
put("truncated.csv", GOOD[: len(GOOD) // 2 + 7])          # cut in the middle of a row
put("unbalanced.csv", "\n".join(lines[:4] + ['3,"Sud,petite,oui,3.5,2,A,1'] + lines[5:]))
put("stray_quote.csv", "\n".join(lines[:4] + ['3,Su"d,petite,oui,3.5,2,A,1'] + lines[5:]))
put("semicolon.csv", GOOD.replace(",", ";"))
put("latin1.csv", raw=("id,region,taille\n1,Nord,petite\n2,").encode() + "Île".encode("latin-1") + b",grande\n")
put("bom.csv", raw=b"\xef\xbb\xbf" + GOOD.encode())
put("crlf.csv", GOOD.replace("\n", "\r\n"))
put("empty.csv", "")
put("blank_lines.csv", "\n\n\n")
put("header_only.csv", lines[0] + "\n")
put("dup_columns.csv", "id,region,region\n1,Nord,Sud\n")
put("empty_column_name.csv", "id,,taille\n1,Nord,petite\n")
put("unknown_level.csv", GOOD.replace("7,Nord", "7,Ouest"))
put("missing_level.csv", "\n".join([lines[0]] + [l for l in lines[1:] if ",Est," not in l]))
put("missing_region.csv", GOOD.replace("7,Nord", "7,"))
put("w_negative.csv", GOOD.replace(",3,A,", ",-3,A,", 1))
put("w_zero.csv", GOOD.replace(",3,A,", ",0,A,", 1))
put("w_nan.csv", GOOD.replace(",3,A,", ",NaN,A,", 1))
put("w_text.csv", GOOD.replace(",3,A,", ",trois,A,", 1))
put("w_inf.csv", GOOD.replace(",3,A,", ",1e999,A,", 1))
put("all_missing.csv", "id,region,taille,vide\n1,Nord,petite,\n2,Sud,grande,NA\n3,Est,petite,\n")
put("decimal_comma.csv", GOOD.replace(",", ";").replace(".5;", ",5;"))
put("one_psu.csv", "\n".join([lines[0]] + [l for l in lines[1:] if l] + ["60,Nord,petite,oui,1.5,1,C,99"]) + "\n")
put("one_respondent_domain.csv", "\n".join([lines[0]] + [l for l in lines[1:] if l] + ["60,Nord,petite,oui,1.5,1,A,98"]).replace("60,Nord,petite,oui,1.5,1,A,98", "60,Ouest,petite,oui,1.5,1,A,98") + "\n")
put("collinear.csv", "id,region,x,y\n" + "".join(f"{i},{['Nord', 'Sud'][i % 2]},{i},{2 * i}\n" for i in range(20)))
put("zero_numeric.csv", "id,region,x\n" + "".join(f"{i},{['Nord', 'Sud'][i % 2]},0\n" for i in range(20)))
put("giant_cell.csv", "id,g\n" + "".join(f"{i},{'rare' if i == 0 else 'commun'}\n" for i in range(200)))

# Margins files.
put("m_dup.csv", MARGINS + "region,Nord,400\n")
put("m_negative.csv", MARGINS.replace("region,Est,250", "region,Est,-250"))
put("m_zero_with_respondents.csv", MARGINS.replace("region,Est,250", "region,Est,0").replace("region,Nord,400", "region,Nord,650"))
put("m_text.csv", MARGINS.replace("250", "deux-cent"))
put("m_empty_target.csv", MARGINS.replace("250", ""))
put("m_header.csv", MARGINS.replace("variable,level,target", "var,niveau,cible"))
put("m_inconsistent.csv", MARGINS.replace("taille,grande,300", "taille,grande,310"))
put("m_unknown_variable.csv", MARGINS + "sexe,F,500\nsexe,M,500\n")
put("m_extra_level.csv", MARGINS.replace("region,Est,250", "region,Est,200\nregion,Ouest,50"))
put("m_shares_bad.csv", "variable,level,target\nregion,Nord,0.5\nregion,Sud,0.3\nregion,Est,0.1\n")
put("m_shares_ok.csv", "variable,level,target\nregion,Nord,0.4\nregion,Sud,0.35\nregion,Est,0.25\n")
put("m_arity.csv", "variable,level,target\nregion*taille,Nord,10\n")
put("m_empty.csv", "variable,level,target\n")
put("m_crossed_empty_cell.csv", "variable,level,target\nregion*taille,Nord*petite,200\nregion*taille,Nord*grande,200\nregion*taille,Sud*petite,200\nregion*taille,Sud*grande,150\nregion*taille,Est*petite,200\nregion*taille,Est*grande,50\nregion*taille,Ouest*petite,0\nregion*taille,Ouest*grande,10\n")
put("m_numeric.csv", "variable,level,target\nregion,Nord,10\nregion,Sud,10\nx,,500\ny,,900\n")
put("m_numeric_zero.csv", "variable,level,target\nregion,Nord,10\nregion,Sud,10\nx,,500\n")
put("m_giant.csv", "variable,level,target\ng,rare,300000000\ng,commun,700000000\n")
put("m_rare.csv", "variable,level,target\ng,rare,300\ng,commun,700\n")
put("m_latin1.csv", raw=b"variable,level,target\nregion,\xcele,5\n")

# Batch files.
put("b_bad_toml.toml", "[[jobs]\ncommand = 1\n")
put("b_bad_yaml.yaml", "jobs:\n  - command: calibrate\n     inputs: [good.csv]\n")
put("b_bad_json.json", '{"jobs": [{"command": "calibrate"')
put("b_no_jobs.json", '{"tasks": []}')
put("b_unknown_command.yaml", "jobs:\n  - command: reweigh\n    inputs: [good.csv]\n")
put("b_unknown_key.yaml", "jobs:\n  - command: calibrate\n    input_files: [good.csv]\n")
put("b_no_match.yaml", "jobs:\n  - command: calibrate\n    inputs: [nothing*.csv]\n    options: {margins: m.csv}\n")
put("b_bad_option.yaml", "jobs:\n  - command: calibrate\n    inputs: [good.csv]\n    options: {margins: m.csv, method: magic}\n")
put("b_failing_job.yaml", "jobs:\n  - command: calibrate\n    inputs: [good.csv, unknown_level.csv]\n    output: 'out-{stem}.csv'\n    options: {margins: m.csv}\n")
put("b_extension.txt", "jobs: []\n")
put("v", "id,region\n1,Nord\n")
put("b_one_char.json", '{"jobs": [{"command": "inspect", "inputs": ["v"], "output": "{dir}/{stem}.out"}]}')

CAL = ["calibrate"]
cases = [
    ("ragged row", CAL + ["ragged.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "ragged.csv:6: expected 8 fields"),
    ("truncated file", CAL + ["truncated.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "expected 8 fields"),
    ("unbalanced quote", CAL + ["unbalanced.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "unbalanced.csv:5:2 (column 'region'): a quoted field opened here is never closed"),
    ("stray quote", CAL + ["stray_quote.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "stray_quote.csv:5:2 (column 'region'): unexpected quote"),
    ("wrong delimiter forced", CAL + ["semicolon.csv", "--margins", "m.csv", "--delimiter", ",", "-o", "o.csv"], 1, "no column named 'region'"),
    ("semicolon detected", CAL + ["semicolon.csv", "--margins", "m.csv", "-o", "o.csv"], 0, "raking: 60 respondents"),
    ("Latin-1 bytes", CAL + ["latin1.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "latin1.csv:3:3: byte 0xCE is not valid UTF-8"),
    ("byte-order mark accepted", CAL + ["bom.csv", "--margins", "m.csv", "-o", "o.csv"], 0, "raking: 60 respondents"),
    ("CRLF accepted", CAL + ["crlf.csv", "--margins", "m.csv", "-o", "o.csv"], 0, "raking: 60 respondents"),
    ("empty file", CAL + ["empty.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "empty.csv: the file is empty"),
    ("blank lines only", CAL + ["blank_lines.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "the file is empty"),
    ("header only", CAL + ["header_only.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "header_only.csv: the file has a header but no data rows"),
    ("duplicate column names", CAL + ["dup_columns.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "column name 'region' appears more than once (columns 2, 3)"),
    ("empty column name", CAL + ["empty_column_name.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "column 2 of the header has an empty name"),
    ("unknown variable in margins", CAL + ["good.csv", "--margins", "m_unknown_variable.csv", "-o", "o.csv"], 1, "no column named 'sexe'"),
    ("sample level missing from margins", CAL + ["unknown_level.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "'Ouest' of region (2 record(s), first at unknown_level.csv:29:2"),
    ("margin level without respondent", CAL + ["good.csv", "--margins", "m_extra_level.csv", "-o", "o.csv"], 1, "region=Ouest (target 50)"),
    ("margin level absent from the sample", CAL + ["missing_level.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "region=Est (target 250)"),
    ("missing calibration value", CAL + ["missing_region.csv", "--margins", "m.csv", "-o", "o.csv"], 1, "'region' is missing for 2 record(s), first at missing_region.csv:29:2"),
    ("duplicated margin row", CAL + ["good.csv", "--margins", "m_dup.csv", "-o", "o.csv"], 1, "m_dup.csv:7: margin row region=Nord already given on line 2"),
    ("negative target", CAL + ["good.csv", "--margins", "m_negative.csv", "-o", "o.csv"], 1, "target -250 is negative"),
    ("zero target with respondents", CAL + ["good.csv", "--margins", "m_zero_with_respondents.csv", "-o", "o.csv"], 1, "region=Est has target 0 but 20 respondent(s)"),
    ("non-numeric target", CAL + ["good.csv", "--margins", "m_text.csv", "-o", "o.csv"], 1, "'deux-cent' is not a number"),
    ("empty target", CAL + ["good.csv", "--margins", "m_empty_target.csv", "-o", "o.csv"], 1, "is not a number"),
    ("margins header", CAL + ["good.csv", "--margins", "m_header.csv", "-o", "o.csv"], 1, "the header must have columns variable,level,target"),
    ("inconsistent totals", CAL + ["good.csv", "--margins", "m_inconsistent.csv", "-o", "o.csv"], 1, "imply different population sizes (region: 1000; taille: 1010)"),
    ("shares not summing to 1", CAL + ["good.csv", "--margins", "m_shares_bad.csv", "--targets", "shares", "--population", "1000", "-o", "o.csv"], 1, "shares of margin 'region' sum to 0.9"),
    ("shares without population", CAL + ["good.csv", "--margins", "m_shares_ok.csv", "--targets", "shares", "-o", "o.csv"], 1, "needs --population"),
    ("shares accepted", CAL + ["good.csv", "--margins", "m_shares_ok.csv", "--targets", "shares", "--population", "1000", "-o", "o.csv"], 0, "raking: 60 respondents"),
    ("crossed level arity", CAL + ["good.csv", "--margins", "m_arity.csv", "-o", "o.csv"], 1, "its level must have 2 parts"),
    ("empty margins file", CAL + ["good.csv", "--margins", "m_empty.csv", "-o", "o.csv"], 1, "m_empty.csv: the file has a header but no data rows"),
    ("Latin-1 margins", CAL + ["good.csv", "--margins", "m_latin1.csv", "-o", "o.csv"], 1, "m_latin1.csv:2:8: byte 0xCE is not valid UTF-8"),
    ("empty post-stratum", CAL + ["good.csv", "--margins", "m_crossed_empty_cell.csv", "--method", "poststratify", "-o", "o.csv"], 1, "region*taille=Ouest*grande (target 10)"),
    ("negative base weight", CAL + ["w_negative.csv", "--margins", "m.csv", "--weight", "d", "-o", "o.csv"], 1, "base weight '-3' is not a positive finite number"),
    ("zero base weight", CAL + ["w_zero.csv", "--margins", "m.csv", "--weight", "d", "-o", "o.csv"], 1, "base weight '0' is not a positive finite number"),
    ("NaN base weight", CAL + ["w_nan.csv", "--margins", "m.csv", "--weight", "d", "-o", "o.csv"], 1, "base weight 'missing'"),
    ("text base weight", CAL + ["w_text.csv", "--margins", "m.csv", "--weight", "d", "-o", "o.csv"], 1, "'trois' is not a number"),
    ("infinite base weight", CAL + ["w_inf.csv", "--margins", "m.csv", "--weight", "d", "-o", "o.csv"], 1, "'1e999' is not a finite number"),
    ("unknown weight column", CAL + ["good.csv", "--margins", "m.csv", "--weight", "poids", "-o", "o.csv"], 1, "no column named 'poids'"),
    ("decimal comma without --decimal", CAL + ["decimal_comma.csv", "--margins", "m.csv", "--weight", "d", "--output", "o.csv"], 0, "raking: 60 respondents"),
    ("decimal comma score", ["estimate", "decimal_comma.csv", "--variables", "score", "--decimal", ","], 0, "score,,,"),
    ("decimal comma misread", ["estimate", "decimal_comma.csv", "--variables", "score", "--statistic", "quantile"], 1, "is not numeric"),
    ("collinear numeric totals", CAL + ["collinear.csv", "--margins", "m_numeric.csv", "--method", "linear", "-o", "o.csv"], 1, "constraints that are redundant in the sample have conflicting targets"),
    ("numeric total on a zero column", CAL + ["zero_numeric.csv", "--margins", "m_numeric_zero.csv", "--method", "linear", "-o", "o.csv"], 1, "x: target 500"),
    ("infeasible bounds", CAL + ["good.csv", "--margins", "m.csv", "--method", "logit", "--bounds", "5,20", "-o", "o.csv"], 1, "bounds must satisfy 0 <= L < 1 < U"),
    ("unreachable targets", CAL + ["good.csv", "--margins", "m.csv", "--weight", "d", "--method", "logit", "--bounds", "0.9,1.1", "-o", "o.csv"], 2, "cannot be reached within the bounds"),
    ("non-convergence", CAL + ["good.csv", "--margins", "m.csv", "--method", "logit", "--bounds", "0.01,100", "--max-iterations", "1", "-o", "o.csv"], 2, "did not converge in 1 iterations"),
    ("trimming too tight", CAL + ["good.csv", "--margins", "m.csv", "--trim-weights", ",10", "-o", "o.csv"], 2, "cannot be reached within the bounds"),
    ("output not writable", CAL + ["good.csv", "--margins", "m.csv", "-o", "no/such/folder/o.csv"], 3, "cannot write no/such/folder/o.csv: folder no/such/folder does not exist"),
    ("output equal to input", CAL + ["good.csv", "--margins", "m.csv", "-o", "good.csv"], 1, "the output file is also an input file"),
    ("output equal to margins", CAL + ["good.csv", "--margins", "m.csv", "-o", "m.csv"], 1, "the output file is also an input file"),
    ("missing input", CAL + ["absent.csv", "--margins", "m.csv", "-o", "o.csv"], 3, "cannot read absent.csv"),
    ("input is a folder", CAL + [".", "--margins", "m.csv", "-o", "o.csv"], 3, "it is a directory"),
    ("giant cell with 1e9 totals", CAL + ["giant_cell.csv", "--margins", "m_giant.csv", "-o", "o.csv"], 0, "raking: 200 respondents"),
    ("one respondent holds 30%", CAL + ["giant_cell.csv", "--margins", "m_rare.csv", "--method", "linear", "-o", "o.csv"], 0, "linear: 200 respondents"),
    ("all-missing variable", ["estimate", "all_missing.csv", "--variables", "vide"], 1, "variable 'vide' has no non-missing value"),
    ("stratum with one PSU fails", ["estimate", "one_psu.csv", "--variables", "score", "--strata", "strate", "--cluster", "psu"], 1, "stratum 'C' has only one PSU"),
    ("stratum with one PSU removed", ["estimate", "one_psu.csv", "--variables", "score", "--strata", "strate", "--cluster", "psu", "--lonely-psu", "remove"], 0, "score,,,"),
    ("domain with one respondent", ["estimate", "one_respondent_domain.csv", "--variables", "score", "--by", "region"], 0, "no interval: 0 degrees of freedom"),
    ("unknown statistic", ["estimate", "good.csv", "--variables", "score", "--statistic", "mode"], 1, "--statistic must be mean, total, ratio or quantile"),
    ("ratio without denominator", ["estimate", "good.csv", "--variables", "score", "--statistic", "ratio"], 1, "needs --denominator"),
    ("zero denominator", ["estimate", "zero_numeric.csv", "--variables", "x", "--statistic", "ratio", "--denominator", "x"], 1, "the weighted total of 'x' is 0"),
    ("quantile out of range", ["estimate", "good.csv", "--variables", "score", "--statistic", "quantile", "--quantiles", "1.5"], 1, "--quantiles takes probabilities between 0 and 1"),
    ("bad confidence level", ["estimate", "good.csv", "--variables", "score", "--level", "1.2"], 1, "--level must be between 0 and 1"),
    ("BRR on unpaired design", ["estimate", "good.csv", "--variables", "score", "--variance", "brr"], 1, "BRR needs exactly 2 PSUs per stratum"),
    ("JK1 on stratified design", ["estimate", "good.csv", "--variables", "score", "--strata", "strate", "--variance", "jk1"], 1, "JK1 is for unstratified designs"),
    ("replicates without columns", ["estimate", "good.csv", "--variables", "score", "--variance", "replicates"], 1, "needs --replicate-columns"),
    ("unknown method", CAL + ["good.csv", "--margins", "m.csv", "--method", "magic"], 1, "--method must be one of"),
    ("bounds without bounded method", CAL + ["good.csv", "--margins", "m.csv", "--bounds", "0.5,2"], 1, "--bounds applies to --method logit or truncated"),
    ("malformed bounds", CAL + ["good.csv", "--margins", "m.csv", "--method", "logit", "--bounds", "0.5;2"], 1, "--bounds takes two numbers"),
    ("malformed trimming", CAL + ["good.csv", "--margins", "m.csv", "--trim-weights", "a,b"], 1, "--trim-weights: 'a' is not a non-negative number"),
    ("malformed collapse rule", CAL + ["good.csv", "--margins", "m.csv", "--method", "poststratify", "--collapse", "Nord"], 1, "--collapse takes 'CELL->NEIGHBOUR'"),
    ("unknown option", CAL + ["good.csv", "--margins", "m.csv", "--metod", "raking"], 1, "Unknown option '--metod'"),
    ("batch: bad TOML", ["batch", "b_bad_toml.toml"], 1, "b_bad_toml.toml:1:"),
    ("batch: bad YAML", ["batch", "b_bad_yaml.yaml"], 1, "b_bad_yaml.yaml: cannot parse"),
    ("batch: bad JSON", ["batch", "b_bad_json.json"], 1, "b_bad_json.json: cannot parse"),
    ("batch: no jobs list", ["batch", "b_no_jobs.json"], 1, "the file must have a list 'jobs'"),
    ("batch: unknown command", ["batch", "b_unknown_command.yaml"], 1, "unknown command 'reweigh'"),
    ("batch: unknown key", ["batch", "b_unknown_key.yaml"], 1, "unknown key 'input_files'"),
    ("batch: glob without match", ["batch", "b_no_match.yaml", "--dry-run"], 1, "no file matches 'nothing*.csv'"),
    ("batch: bad option value", ["batch", "b_bad_option.yaml", "--dry-run"], 1, "--method must be one of"),
    ("batch: failing job", ["batch", "b_failing_job.yaml", "--quiet"], 1, "1 ok, 1 failed"),
    ("batch: unknown file type", ["batch", "b_extension.txt"], 1, "unknown batch file type"),
    ("batch: missing file", ["batch", "absent.yaml"], 3, "cannot read absent.yaml"),
    ("batch: one-character file name (fuzzer crash)", ["batch", "b_one_char.json", "--dry-run"], 1, "Unknown option '--output'"),
]

# What each case that writes something must write (values from R survey, expected/make_expected.R).
def out(expected, name="o.csv"):
    return {"outputs": {name: {"expected": expected}}}


EXTRA = {
    "semicolon detected": out("rake_good.csv"),
    "byte-order mark accepted": out("rake_good.csv"),
    "CRLF accepted": out("rake_good.csv"),
    "shares accepted": out("shares_good.csv"),
    "decimal comma without --decimal": out("rake_good_d.csv"),
    "decimal comma score": {"stdout": {"expected": "estimate_decimal_comma.csv"}},
    "giant cell with 1e9 totals": out("giant_1e9.csv"),
    "one respondent holds 30%": out("giant_rare_linear.csv"),
    "stratum with one PSU removed": {"stdout": {"expected": "estimate_one_psu_removed.csv"}},
    "domain with one respondent": {"stdout": {"expected": "estimate_one_respondent_domain.csv"}},
    # A failing task does not stop the others: the good file's output is written, the summary is printed.
    "batch: failing job": {"outputs": {"out-good.csv": {"expected": "rake_good.csv"}},
                           "stdout": {"contains": ["| job1 | good.csv | ok |", "| job1 | unknown_level.csv | failed (1) |", "1 ok, 1 failed"]}},
}
names = {n for n, _, _, _ in cases}
assert set(EXTRA) <= names, set(EXTRA) - names
for name, data in files.items():
    with open(os.path.join(F, name), "wb") as f:
        f.write(data)
with open("cases.json", "w", encoding="utf-8") as f:
    json.dump([{"name": n, "args": a, "exit": e, "message": m, **EXTRA.get(n, {})} for n, a, e, m in cases], f,
              ensure_ascii=False, indent=1)
print(len(cases), "cases,", len(files), "files")
