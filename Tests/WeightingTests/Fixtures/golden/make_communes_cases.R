# Golden calibration weights from R's `survey` package for a sample of French communes: the cases that
# `weight-cli calibrate` is checked against end to end (CalibrateAgainstRTests), beside the API and barometer
# cases of make_golden.R in this same folder (one set of golden fixtures; each file is written by one script).
#
# Run from this folder:   Rscript make_communes_cases.R
# Needs R and the `survey` package (Debian: r-cran-survey) and the frame /work/shared/data/communes_extended.csv.
# The Swift tests never run R: they only read the files written here.
#
# Writes:
#   communes_sample.csv               a biased unequal-probability sample of French communes
#   margins_communes_*.csv            population margins, long format: variable,level,target
#   expected_communes_<case>.csv      calibrated weights (one column `weight`), data file row order
#   communes_cases.json               one object per case tying the above together
#
# Every number is written with 17 significant digits (sprintf("%.17g")), so doubles round-trip.
# The script is deterministic: the only randomness (the communes sample) uses a fixed seed.

suppressMessages(library(survey))
options(survey.lonely.psu = "fail", stringsAsFactors = FALSE)


# Convergence settings. R's defaults stop early (rake: epsilon = 1 weight unit, maxit = 10;
# calibrate: epsilon = 1e-7, maxit = 50), so we ask for full convergence.
# Note: in rake(), an epsilon < 1 is relative: it is multiplied by the sum of the design weights,
# and compared with the largest change, between two sweeps, of any cell of the cross-table of
# all raking variables.
RAKE_CONTROL <- list(maxit = 1000, epsilon = 1e-13)
CAL_EPS <- 1e-13
CAL_MAXIT <- 1000

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

num <- function(x) ifelse(is.na(x), NA_character_, sprintf("%.17g", as.double(x)))

# Replace "." by "_" in column names so they are simple identifiers (sch.wide -> sch_wide).
rename_cols <- function(df) { names(df) <- gsub(".", "_", names(df), fixed = TRUE); df }

# Write a data frame: numeric columns at full precision (unquoted), factor/character columns as
# quoted text (RFC 4180, inner quotes doubled), missing values as empty fields.
write_data <- function(df, file) {
  out <- df
  is_num <- vapply(out, is.numeric, logical(1))
  for (v in names(out)) out[[v]] <- if (is_num[[v]]) num(out[[v]]) else as.character(out[[v]])
  q <- which(!is_num)
  # Header unquoted (names are simple identifiers), then the rows as write.csv would write them.
  writeLines(paste(names(out), collapse = ","), file)
  write.table(out, file, append = TRUE, sep = ",", dec = ".", qmethod = "double",
              row.names = FALSE, col.names = FALSE, na = "", quote = if (length(q)) q else FALSE)
}

# Long margin rows for one categorical margin (one or several variables, crossed).
# `pop` is the population data frame, `vars` the variable names, `levels` (optional) a list of
# level vectors, one per variable, in the order we want them listed. All levels are written,
# with their full population counts (also the zero cells, if any).
margin_rows <- function(pop, vars, levels = NULL) {
  if (is.null(levels)) levels <- lapply(vars, function(v) {
    x <- pop[[v]]; if (is.factor(x)) levels(x) else sort(unique(as.character(x)))
  })
  grid <- expand.grid(levels, stringsAsFactors = FALSE)   # first variable varies fastest
  names(grid) <- vars
  key_pop <- do.call(paste, c(lapply(vars, function(v) as.character(pop[[v]])), sep = "\r"))
  key_grid <- do.call(paste, c(as.list(grid), sep = "\r"))
  counts <- as.vector(table(factor(key_pop, levels = key_grid)))
  data.frame(variable = paste(vars, collapse = "*"),
             level = do.call(paste, c(as.list(grid), sep = "*")),
             target = counts)
}
numeric_row <- function(var, total) data.frame(variable = var, level = "", target = total)

write_margins <- function(rows, file) {
  rows$target <- num(rows$target)
  write.csv(rows, file, row.names = FALSE, quote = FALSE, na = "")
  invisible(rows)
}

# Population data frames (Freq = count) for postStratify()/rake(), built from margin rows.
ps_frame <- function(rows) {
  vars <- strsplit(rows$variable[1], "*", fixed = TRUE)[[1]]
  lv <- do.call(rbind, strsplit(rows$level, "*", fixed = TRUE))
  out <- as.data.frame(lv, stringsAsFactors = FALSE)
  names(out) <- vars
  out$Freq <- as.numeric(rows$target)
  out
}

# Population totals for calibrate(): colSums of the model matrix of the population data, so names
# are model-matrix names (treatment contrasts; "(Intercept)" = N).
cal_totals <- function(formula, pop) {
  mf <- model.frame(formula, pop, na.action = na.fail)
  colSums(model.matrix(formula, mf))
}

# ---------------------------------------------------------------------------------------------
# Case registry: each case runs an R call given as text (so the r_call recorded in communes_cases.json is
# exactly the code that produced the weights) and writes the expected weights.
# ---------------------------------------------------------------------------------------------

cases <- list()
run_case <- function(name, data_file, weight, margins_file, method, bounds, r_call, base_design) {
  design <- eval(parse(text = r_call), envir = globalenv())
  w <- as.numeric(weights(design))
  d <- as.numeric(weights(base_design))
  stopifnot(length(w) == length(d), all(is.finite(w)))
  expected <- paste0("expected_", name, ".csv")
  write.csv(data.frame(weight = num(w)), expected, row.names = FALSE, quote = FALSE)
  cases[[length(cases) + 1]] <<- list(name = name, data = data_file, weight = weight,
                                      margins = margins_file, method = method, bounds = bounds,
                                      expected = expected, r_call = r_call)
  invisible(w)
}

# ---------------------------------------------------------------------------------------------
# 1. French communes: a biased sample drawn from the full frame (not from R)
# ---------------------------------------------------------------------------------------------
# Frame: /work/shared/data/communes_extended.csv (one row per commune, population of 2023).
# Design: Poisson sampling, expected size 1500, inclusion probability proportional to
#   sqrt(population) x 2.5 for regions 75, 76, 84 (oversampled), capped at 1; the five overseas
#   regions (01-06, 17 to 34 communes each) get at least 0.3 so each is represented.
# Base weight d = 1 / pi_approx where pi_approx is the same formula WITHOUT the regional factor,
#   i.e. an approximate probability that ignores the regional oversampling: d-weighted totals are
#   biased (regions 75/76/84 over-represented), which calibration on reg_code has to correct.
# Population margins come from the full frame: communes by reg_code, by taille; total population.

frame_path <- "/work/shared/data/communes_extended.csv"
frame <- read.csv(frame_path, colClasses = "character", encoding = "UTF-8")
frame$population <- as.numeric(frame$population)
stopifnot(!anyNA(frame$population), !anyNA(frame$reg_code), !anyNA(frame$taille))

incl_prob <- function(size, n, floor_idx) {
  p <- pmin(1, n * size / sum(size))
  p[floor_idx] <- pmax(p[floor_idx], 0.3)
  p
}
overseas <- frame$reg_code %in% c("01", "02", "03", "04", "06")
boost <- ifelse(frame$reg_code %in% c("75", "76", "84"), 2.5, 1)
size <- sqrt(pmax(frame$population, 1))
pi_true <- incl_prob(size * boost, 1500, overseas)
pi_approx <- incl_prob(size, 1500, overseas)

set.seed(20240917)
selected <- runif(nrow(frame)) < pi_true
communes_sample <- frame[selected, c("code_insee", "reg_code", "taille", "population")]
communes_sample$d <- 1 / pi_approx[selected]
rownames(communes_sample) <- NULL

# Every population category must be present in the sample (else calibration is impossible).
reg_levels <- sort(unique(frame$reg_code))
taille_levels <- c("moins de 500", "500-999", "1000-3499", "3500-9999", "10000-49999",
                   "50000 et plus")
stopifnot(setequal(taille_levels, unique(frame$taille)))
stopifnot(all(table(factor(communes_sample$reg_code, reg_levels)) >= 3),
          all(table(factor(communes_sample$taille, taille_levels)) >= 3))
write_data(communes_sample, "communes_sample.csv")

m_reg <- margin_rows(frame, "reg_code", list(reg_levels))
m_taille <- margin_rows(frame, "taille", list(taille_levels))
m_pop <- numeric_row("population", sum(frame$population))
write_margins(rbind(m_reg, m_taille), "margins_communes_reg_taille.csv")
write_margins(rbind(m_reg, m_taille, m_pop), "margins_communes_reg_taille_pop.csv")
write_margins(m_taille, "margins_communes_taille.csv")

pop_reg <- ps_frame(m_reg)
pop_taille <- ps_frame(m_taille)

# Same factor levels in sample and frame so model-matrix names agree.
communes_sample$reg_code <- factor(communes_sample$reg_code, reg_levels)
communes_sample$taille <- factor(communes_sample$taille, taille_levels)
frame$reg_code <- factor(frame$reg_code, reg_levels)
frame$taille <- factor(frame$taille, taille_levels)
tot_reg_taille_pop <- cal_totals(~reg_code + taille + population, frame)
tot_reg_taille <- cal_totals(~reg_code + taille, frame)

dcom <- svydesign(id = ~1, weights = ~d, data = communes_sample)

run_case("communes_rake", "communes_sample.csv", "d", "margins_communes_reg_taille.csv", "raking",
         NULL,
         "rake(dcom, list(~reg_code, ~taille), list(pop_reg, pop_taille), control = list(maxit = 1000, epsilon = 1e-13))",
         dcom)
run_case("communes_cal_linear", "communes_sample.csv", "d", "margins_communes_reg_taille_pop.csv",
         "linear", NULL,
         "calibrate(dcom, ~reg_code + taille + population, tot_reg_taille_pop, epsilon = 1e-13, maxit = 1000)",
         dcom)
run_case("communes_cal_logit", "communes_sample.csv", "d", "margins_communes_reg_taille.csv",
         "logit", c(0.3, 3),
         "calibrate(dcom, ~reg_code + taille, tot_reg_taille, calfun = 'logit', bounds = c(0.3, 3), epsilon = 1e-13, maxit = 1000)",
         dcom)
run_case("communes_ps_taille", "communes_sample.csv", "d", "margins_communes_taille.csv",
         "poststratify", NULL,
         "postStratify(dcom, ~taille, pop_taille)", dcom)

# ---------------------------------------------------------------------------------------------
# 2. communes_cases.json (small hand-written JSON encoder: no dependency beyond survey)
# ---------------------------------------------------------------------------------------------

json_str <- function(s) {
  if (is.null(s)) return("null")
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  paste0("\"", s, "\"")
}
json_bounds <- function(b) if (is.null(b)) "null" else
  paste0("[", paste(as.character(b), collapse = ", "), "]")
entries <- vapply(cases, function(cs) paste0(
  "  {\n",
  "    \"name\": ", json_str(cs$name), ",\n",
  "    \"data\": ", json_str(cs$data), ",\n",
  "    \"weight\": ", json_str(cs$weight), ",\n",
  "    \"margins\": ", json_str(cs$margins), ",\n",
  "    \"method\": ", json_str(cs$method), ",\n",
  "    \"bounds\": ", json_bounds(cs$bounds), ",\n",
  "    \"expected\": ", json_str(cs$expected), ",\n",
  "    \"r_call\": ", json_str(cs$r_call), "\n",
  "  }"), character(1))
writeLines(c("[", paste(entries, collapse = ",\n"), "]"), "communes_cases.json")

# ---------------------------------------------------------------------------------------------
# 3. Verification, from the written files only (round trip): the expected weights reproduce
#    every margin row, and g = w / d respects the bounds.
# ---------------------------------------------------------------------------------------------

cat(sprintf("%-26s %-12s %5s %4s %10s %10s %10s %s\n", "case", "method", "n", "marg",
            "max_rel_dev", "g_min", "g_max", "at_bounds(L/U)"))
for (cs in cases) {
  dat <- read.csv(cs$data, colClasses = "character", na.strings = "", encoding = "UTF-8")
  w <- as.numeric(read.csv(cs$expected, colClasses = "character")$weight)
  mar <- read.csv(cs$margins, colClasses = "character", na.strings = NULL)
  d <- if (is.null(cs$weight)) rep(1, nrow(dat)) else as.numeric(dat[[cs$weight]])
  stopifnot(length(w) == nrow(dat), all(is.finite(w)))
  est <- vapply(seq_len(nrow(mar)), function(i) {
    vars <- strsplit(mar$variable[i], "*", fixed = TRUE)[[1]]
    if (mar$level[i] == "") return(sum(w * as.numeric(dat[[vars]])))
    lv <- strsplit(mar$level[i], "*", fixed = TRUE)[[1]]
    hit <- Reduce(`&`, Map(function(v, l) !is.na(dat[[v]]) & dat[[v]] == l, vars, lv))
    sum(w[hit])
  }, numeric(1))
  target <- as.numeric(mar$target)
  rel <- max(abs(est - target) / abs(target))
  g <- w / d
  at <- if (is.null(cs$bounds)) "" else sprintf("%d/%d", sum(abs(g - cs$bounds[1]) < 1e-9),
                                               sum(abs(g - cs$bounds[2]) < 1e-9))
  cat(sprintf("%-26s %-12s %5d %4d %10.3g %10.6f %10.6f %s\n", cs$name, cs$method, nrow(dat),
              nrow(mar), rel, min(g), max(g), at))
  stopifnot(rel < 1e-9)
  if (!is.null(cs$bounds))
    stopifnot(all(g >= cs$bounds[1] - 1e-12), all(g <= cs$bounds[2] + 1e-12))
  if (cs$method == "truncated")
    stopifnot(any(abs(g - cs$bounds[1]) < 1e-9), any(abs(g - cs$bounds[2]) < 1e-9))
}

cat("done:", length(cases), "cases\n")
