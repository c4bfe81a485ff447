# Golden values for the change between two waves of a panel (Weighting's ChangeGoldenTests).
# Run from this folder: Rscript make_change.R   (needs r-cran-survey; the tests never run R)
# Made with R 4.2.2 and survey 4.1.1.
# Reads the bundled barometer waves 1 and 2 (data/sample, linked by code_insee: every wave-2 commune answered
# wave 1) and the region and size margins; writes
#   wave1.csv  wave-1 communes with d (N/n) and w1 (raked on region + taille, calfun = "raking");
#   wave2.csv  wave-2 communes with w2 (the stayers' w1 raked again to the same margins), fixed numbers;
#   change.csv one row per design x variable x domain, every number with 17 significant digits.
# The linked panel: ONE design over the wave-1 communes carrying both waves' variables and weights. With
# a = w2/w1 on the stayers (0 for the others) and 1{.} the domain indicator (a record whose value is
# missing counts in no total), the wave-1 mean is t(y1)/t(1) and the wave-2 mean t(a y2)/t(a), all totals
# under the wave-1 weights; svycontrast of those totals gives both means, their change (wave 2 - wave 1)
# and their ratio with the delta-method covariance; the independent-samples SE is sqrt(v11 + v22).
# Designs:
#   fixed_strat  svydesign(ids = ~1, strata = ~region, weights = ~w1): both waves' weights fixed;
#   cal_wave1    svydesign(ids = ~1, weights = ~d) calibrated on region + taille (raking): the wave-1 mean
#                and the wave-2 mean (weights w1 x a, a fixed) both linearized with the calibration residuals.
suppressMessages(library(survey))
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
read <- function(f) read.csv(f, stringsAsFactors = FALSE, encoding = "UTF-8", colClasses = c(code_insee = "character"), na.strings = "")
w1 <- read("../../../../data/sample/barometre_vague1.csv")
w2 <- read("../../../../data/sample/barometre_vague2.csv")
m <- read.csv("../../../../data/margins/communes_region_taille.csv", stringsAsFactors = FALSE, encoding = "UTF-8", colClasses = c(level = "character"))
N <- sum(m$target[m$variable == "region"])
mval <- function(var, lev) m$target[m$variable == var & m$level == lev]
pop <- function(data) {
  mm <- model.matrix(~region + taille, data)
  p <- c(N, sapply(colnames(mm)[-1], function(cn) {
    if (startsWith(cn, "region")) mval("region", sub("^region", "", cn)) else mval("taille", sub("^taille", "", cn))
  }))
  names(p)[1] <- "(Intercept)"
  p
}
eps <- list(epsilon = 1e-13, maxit = 1000)
w1$d <- N / nrow(w1)
d1 <- do.call(calibrate, c(list(svydesign(ids = ~1, weights = ~d, data = w1), ~region + taille, pop(w1), calfun = "raking"), eps))
w1$w1 <- weights(d1)
stay <- match(w2$code_insee, w1$code_insee)
stopifnot(!any(is.na(stay)))
w2$base <- w1$w1[stay]
d2 <- do.call(calibrate, c(list(svydesign(ids = ~1, weights = ~base, data = w2), ~region + taille, pop(w2), calfun = "raking"), eps))
w2$w2 <- weights(d2)
keep <- c("code_insee", "region", "taille", "site_web", "open_data", "score_maturite")
write.csv(data.frame(w1[, keep], d = num(w1$d), w1 = num(w1$w1)), "wave1.csv", row.names = FALSE, na = "", fileEncoding = "UTF-8")
write.csv(data.frame(w2[, keep], w2 = num(w2$w2)), "wave2.csv", row.names = FALSE, na = "", fileEncoding = "UTF-8")

# The linked panel: wave-1 rows, wave-2 answers and weights of the stayers.
linked <- w1
at <- match(w1$code_insee, w2$code_insee)
linked$a <- ifelse(is.na(at), 0, w2$w2[at] / w1$w1)
variables <- list(site_web = "oui", open_data = "oui", score_maturite = NA)
domains <- c("all", sort(unique(w1$taille)))
rows <- list()
for (design in c("fixed_strat", "cal_wave1")) {
  for (v in names(variables)) {
    lev <- variables[[v]]
    y1 <- if (is.na(lev)) w1[[v]] else as.numeric(w1[[v]] == lev)
    y2full <- if (is.na(lev)) w2[[v]] else as.numeric(w2[[v]] == lev)
    y2 <- ifelse(is.na(at), NA, y2full[at])
    t2 <- ifelse(is.na(at), NA, w2$taille[at])
    for (dom in domains) {
      in1 <- if (dom == "all") rep(TRUE, nrow(w1)) else w1$taille == dom
      in2 <- !is.na(at) & (if (dom == "all") TRUE else (!is.na(t2) & t2 == dom))
      o1 <- as.numeric(in1 & !is.na(y1))
      o2 <- as.numeric(in2 & !is.na(y2))
      linked$Y1 <- ifelse(o1 > 0, y1, 0); linked$O1 <- o1
      linked$AY2 <- ifelse(o2 > 0, linked$a * y2, 0); linked$A2 <- linked$a * o2
      des <- if (design == "fixed_strat") svydesign(ids = ~1, strata = ~region, weights = ~w1, data = linked) else
        do.call(calibrate, c(list(svydesign(ids = ~1, weights = ~d, data = linked), ~region + taille, pop(linked), calfun = "raking"), eps))
      tot <- svytotal(~Y1 + O1 + AY2 + A2, des)
      con <- svycontrast(tot, list(m1 = quote(Y1 / O1), m2 = quote(AY2 / A2), change = quote(AY2 / A2 - Y1 / O1),
                                   ratio = quote((AY2 / A2) / (Y1 / O1))))
      est <- coef(con); V <- vcov(con); se <- sqrt(diag(V))
      df <- degf(des)
      rows[[length(rows) + 1]] <- data.frame(design = design, variable = v, level = ifelse(is.na(lev), "", lev), domain = dom,
        n1 = sum(o1), n2 = sum(o2), df = df,
        est1 = num(est[["m1"]]), se1 = num(se[["m1"]]), est2 = num(est[["m2"]]), se2 = num(se[["m2"]]),
        change = num(est[["change"]]), se_change = num(se[["change"]]),
        p_change = num(2 * pt(-abs(est[["change"]] / se[["change"]]), df)),
        se_independent = num(sqrt(V["m1", "m1"] + V["m2", "m2"])),
        p_independent = num(2 * pt(-abs(est[["change"]] / sqrt(V["m1", "m1"] + V["m2", "m2"])), df)),
        ratio = num(est[["ratio"]]), se_ratio = num(se[["ratio"]]),
        p_ratio = num(2 * pt(-abs((est[["ratio"]] - 1) / se[["ratio"]]), df)))
    }
  }
}
write.csv(do.call(rbind, rows), "change.csv", row.names = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), "\n")
