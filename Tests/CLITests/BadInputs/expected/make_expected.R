# Expected values of the bad-input corpus's success cases, from R survey (the tests never run R).
# Run from this folder: Rscript make_expected.R   (R 4.2.2, survey 4.1.1)
# Each file holds some columns of a command's output (a written file or standard output), row for row;
# BadInputCorpusTests compares numbers to a relative 1e-8 and text exactly. Every number has 17 digits.
suppressMessages(library(survey))
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
put <- function(df, file) {
  for (v in names(df)) if (is.numeric(df[[v]])) df[[v]] <- num(df[[v]])
  write.csv(df, file, row.names = FALSE, quote = FALSE)
}
good <- read.csv("../files/good.csv", stringsAsFactors = FALSE)
m <- read.csv("../files/m.csv", stringsAsFactors = FALSE)
pop <- function(var) { r <- m[m$variable == var, ]; df <- data.frame(r$level, r$target); names(df) <- c(var, "Freq"); df }
ctl <- list(maxit = 1000, epsilon = 1e-14)

# calibrate good.csv (and its semicolon, BOM and CRLF variants) --margins m.csv: raking, base weight 1.
d1 <- svydesign(id = ~1, weights = ~rep(1, nrow(good)), data = good)
r1 <- rake(d1, list(~region, ~taille), list(pop("region"), pop("taille")), control = ctl)
put(data.frame(id = good$id, weight = weights(r1)), "rake_good.csv")

# The same with base weights d.
dd <- svydesign(id = ~1, weights = ~d, data = good)
rd <- rake(dd, list(~region, ~taille), list(pop("region"), pop("taille")), control = ctl)
put(data.frame(id = good$id, weight = weights(rd)), "rake_good_d.csv")

# Shares of region times a population of 1000 (one margin: post-stratification).
sh <- read.csv("../files/m_shares_ok.csv", stringsAsFactors = FALSE)
ps <- data.frame(region = sh$level, Freq = sh$target * 1000)
put(data.frame(id = good$id, weight = weights(postStratify(d1, ~region, ps))), "shares_good.csv")

# One respondent holding 30 % of the population: raking (1e9 totals) and linear calibration on g.
giant <- read.csv("../files/giant_cell.csv", stringsAsFactors = FALSE)
dg <- svydesign(id = ~1, weights = ~rep(1, nrow(giant)), data = giant)
mg <- read.csv("../files/m_giant.csv", stringsAsFactors = FALSE)
put(data.frame(id = giant$id, weight = weights(rake(dg, list(~g), list(data.frame(g = mg$level, Freq = mg$target)), control = ctl))),
    "giant_1e9.csv")
mr <- read.csv("../files/m_rare.csv", stringsAsFactors = FALSE)
pr <- c(`(Intercept)` = sum(mr$target), grare = mr$target[mr$level == "rare"])
put(data.frame(id = giant$id, weight = weights(calibrate(dg, ~g, pr))), "giant_rare_linear.csv")

# estimate: Wald intervals on the design degrees of freedom.
row <- function(variable, domain, e, se, df, n) {
  q <- if (df > 0) qt(0.975, df) else NA
  data.frame(variable = variable, domain = domain, estimate = e, se = se,
             ci_low = if (df > 0) e - q * se else NA, ci_high = if (df > 0) e + q * se else NA, n = n, df = df)
}
# decimal_comma.csv read with --decimal ',': the mean of score, unweighted.
dc <- read.csv2("../files/decimal_comma.csv", stringsAsFactors = FALSE)
ddc <- svydesign(id = ~1, weights = ~rep(1, nrow(dc)), data = dc)
s <- svymean(~score, ddc)
put(row("score", "", coef(s)[[1]], SE(s)[[1]], degf(ddc), nrow(dc)), "estimate_decimal_comma.csv")

# one_psu.csv: stratum C has one PSU; with survey.lonely.psu = "remove" it adds nothing to the variance.
op <- read.csv("../files/one_psu.csv", stringsAsFactors = FALSE)
options(survey.lonely.psu = "remove")
dop <- svydesign(id = ~psu, strata = ~strate, weights = ~rep(1, nrow(op)), data = op, nest = TRUE)
s <- svymean(~score, dop)
put(row("score", "", coef(s)[[1]], SE(s)[[1]], degf(dop), nrow(op)), "estimate_one_psu_removed.csv")
options(survey.lonely.psu = "fail")

# one_respondent_domain.csv by region: the domain Ouest has one respondent, 0 degrees of freedom, no interval.
od <- read.csv("../files/one_respondent_domain.csv", stringsAsFactors = FALSE)
dod <- svydesign(id = ~1, weights = ~rep(1, nrow(od)), data = od)
b <- svyby(~score, ~region, dod, svymean)
rows <- do.call(rbind, lapply(seq_len(nrow(b)), function(i) {
  l <- as.character(b$region[i])
  row("score", paste0("region=", l), b$score[i], SE(b)[i], degf(subset(dod, region == l)), sum(od$region == l))
}))
put(rows, "estimate_one_respondent_domain.csv")
cat("R", R.version$major, R.version$minor, "survey", as.character(packageVersion("survey")), "\n")

# calibrate outputs_mixed_eol.csv (BOM, CRLF and LF lines, no final line ending) --margins outputs_m.csv
# --method poststratify: the weights of the rows that calibrate copies byte for byte.
mixed <- read.csv("../files/outputs_mixed_eol.csv", stringsAsFactors = FALSE, fileEncoding = "UTF-8-BOM")
mm <- read.csv("../files/outputs_m.csv", stringsAsFactors = FALSE)
dm <- svydesign(id = ~1, weights = ~rep(1, nrow(mixed)), data = mixed)
pm <- postStratify(dm, ~region, data.frame(region = mm$level, Freq = mm$target))
put(data.frame(id = mixed$id, weight = weights(pm)), "outputs_mixed_eol_ps.csv")

# estimate good.csv --variables score --margins messages_m_lone_cr.csv (m.csv's region margin, lone-CR line endings)
# --method raking: one margin, so raking is post-stratification on region; the mean with its linearization SE.
mr <- m[m$variable == "region", ]
dr <- rake(d1, list(~region), list(data.frame(region = mr$level, Freq = mr$target)), control = ctl)
sr <- svymean(~score, dr)
put(row("score", "", coef(sr)[[1]], SE(sr)[[1]], degf(dr), nrow(good)), "estimate_lone_cr_margins.csv")

# estimate messages_one_in_domain.csv --by region --variance jk1: domain B has one record. The replicate that deletes
# it has no record in B, so that replicate's mean is 0/0: R drops it (with a warning) and reports an SE of 0 from
# the remaining replicates; Weighting calls the SE undefined (empty, no interval, a note), since one record carries
# no information on its variance. The other domains agree with R; replicate degrees of freedom rank - 1 = 4.
one <- read.csv("../files/messages_one_in_domain.csv", stringsAsFactors = FALSE)
jk <- as.svrepdesign(svydesign(id = ~1, weights = ~rep(1, nrow(one)), data = one), type = "JK1")
bj <- suppressWarnings(svyby(~x, ~region, jk, svymean))
rows <- do.call(rbind, lapply(seq_len(nrow(bj)), function(i) {
  se <- SE(bj)[i]
  r <- row("x", paste0("region=", bj$region[i]), bj$x[i], se, degf(jk), sum(one$region == bj$region[i]))
  if (sum(one$region == bj$region[i]) == 1) { r$se <- NA; r$ci_low <- NA; r$ci_high <- NA }
  r
}))
put(rows, "estimate_one_in_domain_jk1.csv")

# estimate messages_huge.csv --statistic total: 1e308 + 1.5e308 + 1.7e308 + 1 overflows a double (R: Inf), so the
# estimate and its SE are undefined: empty fields, no interval; n = 4, df = n - 1.
hg <- read.csv("../files/messages_huge.csv", stringsAsFactors = FALSE)
stopifnot(!is.finite(sum(hg$x)))
put(data.frame(variable = "x", estimate = NA_real_, se = NA_real_, ci_low = NA_real_, ci_high = NA_real_, n = nrow(hg), df = nrow(hg) - 1),
    "estimate_total_overflows.csv")

# cases-numerics.json ------------------------------------------------------------------------------------------------
# calibrate numerics_sparse.csv --weight d (raking on a and b): the sparse 6x6 table that plain IPF needs ~1,800
# sweeps for; R's calibrate(calfun = "raking") Newton solution.
sp <- read.csv("../files/numerics_sparse.csv", stringsAsFactors = FALSE)
spm <- read.csv("../files/numerics_sparse_m.csv", stringsAsFactors = FALSE)
tot <- function(mf, df, vars) {  # population totals in model.matrix order for ~v1 + v2 + ...
  mm <- model.matrix(as.formula(paste("~", paste(vars, collapse = "+"))), df)
  N <- sum(mf$target[mf$variable == vars[1]])
  t <- c(`(Intercept)` = N)
  for (v in vars) {
    r <- mf[mf$variable == v, ]
    for (k in seq_len(nrow(r))) { nm <- paste0(v, r$level[k]); if (nm %in% colnames(mm)) t[nm] <- r$target[k] }
  }
  t[colnames(mm)]
}
dsp <- svydesign(id = ~1, weights = ~d, data = sp)
csp <- calibrate(dsp, ~a + b, tot(spm, sp, c("a", "b")), calfun = "raking", maxit = 500, epsilon = 1e-13)
put(data.frame(id = sp$id, weight = weights(csp)), "numerics_sparse_raking.csv")

# estimate numerics_qneg.csv --statistic quantile --quantiles 0.22 --weight d --margins numerics_qneg_m.csv
# --method linear: linear calibration with negative weights, svyquantile qrule "math", Woodruff interval.
qn <- read.csv("../files/numerics_qneg.csv", stringsAsFactors = FALSE)
qm <- read.csv("../files/numerics_qneg_m.csv", stringsAsFactors = FALSE)
dqn <- svydesign(id = ~1, weights = ~d, data = qn)
cqn <- calibrate(dqn, ~grp + x, c(`(Intercept)` = sum(qm$target[qm$variable == "grp"]),
                                   grpB = qm$target[qm$level == "B"], x = qm$target[qm$variable == "x"]))
stopifnot(any(weights(cqn) < 0))
qq <- svyquantile(~y, cqn, quantiles = 0.22, qrule = "math", ci = TRUE, interval.type = "mean")$y
put(data.frame(variable = "y", estimate = qq[1, "quantile"], se = qq[1, "se"], ci_low = qq[1, 2], ci_high = qq[1, 3],
               n = nrow(qn)), "numerics_quantile_negative.csv")

# calibrate numerics_levels.csv --weight d --method logit --bounds 0.2,5: a 3,000-level margin plus region.
lv <- read.csv("../files/numerics_levels.csv", stringsAsFactors = FALSE)
lm_ <- read.csv("../files/numerics_levels_m.csv", stringsAsFactors = FALSE)
dlv <- svydesign(id = ~1, weights = ~d, data = lv)
clv <- calibrate(dlv, ~commune + region, tot(lm_, lv, c("commune", "region")), calfun = "logit", bounds = c(0.2, 5), sparse = TRUE,
                 maxit = 500, epsilon = 1e-12)
put(data.frame(id = lv$id, weight = weights(clv)), "numerics_levels_logit.csv")

# estimate numerics_levels.csv --variables y --by commune --weight d: 3,000 domain means with their SEs; each
# interval on its domain's degrees of freedom, degf(subset(design, domain)), which for this one-stage design
# without strata is the domain's record count - 1 (checked on the first communes; 0 for a one-record commune:
# no interval).
bl <- svyby(~y, ~commune, dlv, svymean)
for (l in as.character(bl$commune[1:5])) stopifnot(degf(subset(dlv, commune == l)) == sum(lv$commune == l) - 1)
rows <- do.call(rbind, lapply(seq_len(nrow(bl)), function(i) {
  l <- as.character(bl$commune[i])
  row("y", paste0("commune=", l), bl$y[i], SE(bl)[i], sum(lv$commune == l) - 1, sum(lv$commune == l))
}))
put(rows, "numerics_levels_by_commune.csv")
