"""The .xlsx workbooks of estimate, compare and test, opened by LibreOffice, give the numbers of the CSV output
(on demand: bash scripts/check_xlsx.sh; needs LibreOffice, which the shell script installs).

For each command the same analysis is written as CSV and as .xlsx; LibreOffice headless converts the workbook to
CSV with the cells' values (not as shown, but a percentage keeps its sign: 0.2534 formatted 25.3 % is exported 25.34%), and
every cell must equal the CSV's: numbers to a relative 1e-14 (LibreOffice prints 15 significant digits) or an
absolute 1e-19 (it prints small numbers with 20 decimals), text exactly.
"""
import csv, math, os, subprocess, sys, tempfile

cli = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/weight-cli"
fx = "Tests/WeightingTests/Fixtures/formats/"
margins = "data/margins/communes_region_taille.csv"
runs = {
    "estimate": ["estimate", fx + "barometre.sav", "--variables", "site_web,score_maturite", "--by", "taille",
                 "--margins", margins, "--method", "raking"],
    "compare": ["compare", fx + "barometre.sav", "--variables", "site_web,open_data,score_maturite",
                "--margins", margins],
    "test": ["test", fx + "barometre.sav", "--variable", "score_maturite", "--by", "taille", "--pairwise"],
}
tmp = tempfile.mkdtemp(prefix="weighting-xlsx-")
failures = 0
for name, args in runs.items():
    out_csv, out_xlsx = os.path.join(tmp, name + ".csv"), os.path.join(tmp, name + ".xlsx")
    subprocess.run([cli] + args + ["--format", "csv", "-o", out_csv, "--quiet"], check=True)
    subprocess.run([cli] + args + ["-o", out_xlsx, "--quiet"], check=True)
    lo_dir = os.path.join(tmp, "lo-" + name)
    # Filter options: comma, double quote, UTF-8, from line 1, ..., token 9 false = values, not as shown.
    subprocess.run(["libreoffice", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false",
                    "--outdir", lo_dir, out_xlsx], check=True, capture_output=True)
    want = list(csv.reader(open(out_csv, encoding="utf-8")))
    got = list(csv.reader(open(os.path.join(lo_dir, name + ".csv"), encoding="utf-8")))
    cells = 0
    if len(want) != len(got):
        print(f"{name}: {len(got)} rows in the workbook, {len(want)} in the CSV"); failures += 1; continue
    for i, (a, b) in enumerate(zip(want, got)):
        for j, (x, y) in enumerate(zip(a, b)):
            cells += 1
            try:
                fx_ = float(x)
                fy = float(y[:-1]) / 100 if y.endswith("%") else float(y)
                ok = math.isclose(fx_, fy, rel_tol=1e-14, abs_tol=1e-19)
            except ValueError:
                ok = x == y
            if not ok:
                failures += 1
                print(f"{name}: row {i + 1}, column {want[0][j]}: CSV {x!r}, workbook {y!r}")
    print(f"{name}: {len(want) - 1} rows, {cells} cells compared")
print("OK" if failures == 0 else f"{failures} differences")
sys.exit(1 if failures else 0)
