# Golden values from R survey for Weighting's tests.
# Run from this folder: Rscript make_golden.R   (needs r-cran-survey; tests never run R)
# Made with R 4.2.2 Patched (2022-11-10 r83330) and survey 4.1.1 (R_VERSION.txt records the versions of the
# last run).
# Writes the data sets, margins files, expected calibrated weights (cases.csv + expected_*.csv) and
# expected estimates (estimates.csv, replicate_estimates.csv). Every number is written with 17 significant digits.
# Estimates of the rake() cases are computed on the equivalent calibrate(calfun = "raking") design (same
# weights, checked below to 1e-9): rake() linearizes with ten backfitting sweeps, an approximation of the exact
# projection on the margins that calibrate() and Weighting use (see README, "Agreement with R survey").
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
data(api)
writeLines(c(R.version.string, paste("survey", as.character(packageVersion("survey")))), "R_VERSION.txt")

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
rename <- function(df) { names(df) <- gsub(".", "_", names(df), fixed = TRUE); df }
keep <- c("cds", "stype", "sch.wide", "comp.imp", "both", "awards", "yr.rnd", "dnum", "snum",
          "api00", "api99", "enroll", "meals", "ell", "pw", "fpc")
write_data <- function(df, file) {
  out <- rename(df[, keep])
  for (v in names(out)) if (is.numeric(out[[v]])) out[[v]] <- num(out[[v]])
  write.csv(out, file, row.names = FALSE, na = "", quote = TRUE)
}
write_data(apistrat, "apistrat.csv")
write_data(apiclus1, "apiclus1.csv")

# Population margins from apipop.
N <- nrow(apipop)
pop_stype <- table(apipop$stype)
pop_schwide <- table(apipop$sch.wide)
pop_awards <- table(apipop$awards)
pop_stype_schwide <- table(apipop$stype, apipop$sch.wide)
pop_stype_compimp <- table(apipop$stype, apipop$comp.imp)
api99_total <- sum(apipop$api99)
margin_rows <- function(var, tab) {
  if (length(dim(tab)) == 2) {
    lv <- expand.grid(dimnames(tab), stringsAsFactors = FALSE)
    data.frame(variable = var, level = paste(lv[[1]], lv[[2]], sep = "*"), target = as.vector(tab))
  } else data.frame(variable = var, level = names(tab), target = as.vector(tab))
}
write_margins <- function(rows, file) {
  rows$target <- num(rows$target)
  write.csv(rows, file, row.names = FALSE, quote = FALSE)
}
numeric_row <- function(var, total) data.frame(variable = var, level = "", target = total)
write_margins(margin_rows("stype", pop_stype), "margins_stype.csv")
write_margins(margin_rows("stype*sch_wide", pop_stype_schwide), "margins_stype_x_schwide.csv")
write_margins(rbind(margin_rows("stype", pop_stype), margin_rows("sch_wide", pop_schwide)), "margins_stype_schwide.csv")
write_margins(rbind(margin_rows("stype*comp_imp", pop_stype_compimp), margin_rows("sch_wide", pop_schwide),
                    margin_rows("awards", pop_awards)), "margins_crossed_rake.csv")
write_margins(rbind(margin_rows("stype", pop_stype), margin_rows("sch_wide", pop_schwide),
                    numeric_row("api99", api99_total)), "margins_stype_schwide_api99.csv")
write_margins(rbind(margin_rows("stype", pop_stype), numeric_row("api99", api99_total)), "margins_stype_api99.csv")

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus1_unw <- svydesign(id = ~1, weights = ~rep(1, nrow(apiclus1)), data = apiclus1)

ps1 <- data.frame(stype = names(pop_stype), Freq = as.vector(pop_stype))
ps2 <- as.data.frame(pop_stype_schwide); names(ps2) <- c("stype", "sch.wide", "Freq")
psw <- data.frame(sch.wide = names(pop_schwide), Freq = as.vector(pop_schwide))
psa <- data.frame(awards = names(pop_awards), Freq = as.vector(pop_awards))
psc <- as.data.frame(pop_stype_compimp); names(psc) <- c("stype", "comp.imp", "Freq")
ctl <- list(maxit = 1000, epsilon = 1e-14)
pop_lin <- c(`(Intercept)` = N, stypeH = pop_stype[["H"]], stypeM = pop_stype[["M"]],
             sch.wideYes = pop_schwide[["Yes"]], api99 = api99_total)
pop_sw <- pop_lin[1:4]
pop_sa <- pop_lin[c(1:3, 5)]
# Population totals of the crossed raking's model matrix (stype x comp.imp cells, sch.wide, awards).
pop_crossed <- colSums(model.matrix(~stype * comp.imp + sch.wide + awards, apipop))
cal <- function(design, formula, pop, ...) calibrate(design, formula, pop, epsilon = 1e-13, maxit = 1000, ...)

designs <- list(
  list(name = "strat_ps_stype", data = "apistrat.csv", weight = "pw", margins = "margins_stype.csv",
       method = "poststratify", bounds = "", d = postStratify(dstrat, ~stype, ps1),
       call = "postStratify(dstrat, ~stype, pop)"),
  list(name = "strat_ps_stype_x_schwide", data = "apistrat.csv", weight = "pw", margins = "margins_stype_x_schwide.csv",
       method = "poststratify", bounds = "", d = postStratify(dstrat, ~stype + sch.wide, ps2),
       call = "postStratify(dstrat, ~stype+sch.wide, pop)"),
  list(name = "strat_rake_stype_schwide", data = "apistrat.csv", weight = "pw", margins = "margins_stype_schwide.csv",
       method = "raking", bounds = "", d = rake(dstrat, list(~stype, ~sch.wide), list(ps1, psw), control = ctl),
       v = cal(dstrat, ~stype + sch.wide, pop_sw, calfun = "raking"),
       call = "rake(dstrat, list(~stype, ~sch.wide), ..., control = list(maxit = 1000, epsilon = 1e-14))",
       vcall = "calibrate(dstrat, ~stype+sch.wide, pop, calfun = 'raking')"),
  list(name = "strat_rake_crossed", data = "apistrat.csv", weight = "pw", margins = "margins_crossed_rake.csv",
       method = "raking", bounds = "", d = rake(dstrat, list(~stype + comp.imp, ~sch.wide, ~awards), list(psc, psw, psa), control = ctl),
       v = cal(dstrat, ~stype * comp.imp + sch.wide + awards, pop_crossed, calfun = "raking"),
       call = "rake(dstrat, list(~stype+comp.imp, ~sch.wide, ~awards), ...)",
       vcall = "calibrate(dstrat, ~stype*comp.imp+sch.wide+awards, pop, calfun = 'raking')"),
  list(name = "strat_cal_linear", data = "apistrat.csv", weight = "pw", margins = "margins_stype_schwide_api99.csv",
       method = "linear", bounds = "", d = cal(dstrat, ~stype + sch.wide + api99, pop_lin),
       call = "calibrate(dstrat, ~stype+sch.wide+api99, pop)"),
  list(name = "strat_cal_raking", data = "apistrat.csv", weight = "pw", margins = "margins_stype_schwide.csv",
       method = "raking", bounds = "", d = cal(dstrat, ~stype + sch.wide, pop_sw, calfun = "raking"),
       call = "calibrate(dstrat, ~stype+sch.wide, pop, calfun = 'raking')"),
  list(name = "strat_cal_raking_api99", data = "apistrat.csv", weight = "pw", margins = "margins_stype_api99.csv",
       method = "raking", bounds = "", d = cal(dstrat, ~stype + api99, pop_sa, calfun = "raking"),
       call = "calibrate(dstrat, ~stype+api99, pop, calfun = 'raking')"),
  list(name = "strat_cal_logit", data = "apistrat.csv", weight = "pw", margins = "margins_stype_schwide_api99.csv",
       method = "logit", bounds = "0.7,1.7", d = cal(dstrat, ~stype + sch.wide + api99, pop_lin, calfun = "logit", bounds = c(0.7, 1.7)),
       call = "calibrate(dstrat, ~stype+sch.wide+api99, pop, calfun = 'logit', bounds = c(0.7, 1.7))"),
  list(name = "strat_cal_truncated", data = "apistrat.csv", weight = "pw", margins = "margins_stype_api99.csv",
       method = "truncated", bounds = "0.97,1.03", d = cal(dstrat, ~stype + api99, pop_sa, calfun = "linear", bounds = c(0.97, 1.03)),
       call = "calibrate(dstrat, ~stype+api99, pop, calfun = 'linear', bounds = c(0.97, 1.03))"),
  list(name = "clus_rake_stype_schwide", data = "apiclus1.csv", weight = "pw", margins = "margins_stype_schwide.csv",
       method = "raking", bounds = "", d = rake(dclus1, list(~stype, ~sch.wide), list(ps1, psw), control = ctl),
       v = cal(dclus1, ~stype + sch.wide, pop_sw, calfun = "raking"),
       call = "rake(dclus1, list(~stype, ~sch.wide), ...)",
       vcall = "calibrate(dclus1, ~stype+sch.wide, pop, calfun = 'raking')"),
  list(name = "clus_cal_linear", data = "apiclus1.csv", weight = "pw", margins = "margins_stype_api99.csv",
       method = "linear", bounds = "", d = cal(dclus1, ~stype + api99, pop_sa),
       call = "calibrate(dclus1, ~stype+api99, pop)"),
  list(name = "clus_cal_logit", data = "apiclus1.csv", weight = "pw", margins = "margins_stype_api99.csv",
       method = "logit", bounds = "0.5,2", d = cal(dclus1, ~stype + api99, pop_sa, calfun = "logit", bounds = c(0.5, 2)),
       call = "calibrate(dclus1, ~stype+api99, pop, calfun = 'logit', bounds = c(0.5, 2))"),
  list(name = "clus_unweighted_rake", data = "apiclus1.csv", weight = "", margins = "margins_stype_schwide.csv",
       method = "raking", bounds = "", d = rake(dclus1_unw, list(~stype, ~sch.wide), list(ps1, psw), control = ctl),
       v = cal(dclus1_unw, ~stype + sch.wide, pop_sw, calfun = "raking"),
       call = "rake(svydesign(id=~1, weights=~1 each, data=apiclus1), list(~stype, ~sch.wide), ...)",
       vcall = "calibrate(svydesign(id=~1, weights=~1 each, data=apiclus1), ~stype+sch.wide, pop, calfun = 'raking')")
)

# Third data set, not from R: the bundled barometer sample of French communes, base weights N/n.
baro <- read.csv("../../../../data/sample/barometre_vague1.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
frame <- read.csv("../../../../data/margins/communes_region.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
size <- read.csv("../../../../data/margins/communes_taille.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
Nc <- sum(frame$target)
baro$d <- Nc / nrow(baro)
out <- baro; out$d <- num(out$d); out$score_maturite <- num(out$score_maturite)
write.csv(out, "barometre.csv", row.names = FALSE, na = "", quote = TRUE)
write_margins(rbind(frame, size), "margins_region_taille.csv")
dbaro <- svydesign(id = ~1, weights = ~d, data = baro)
pr <- data.frame(region = frame$level, Freq = frame$target)
pt <- data.frame(taille = size$level, Freq = size$target)
mm_names <- function(f, design) colnames(model.matrix(f, model.frame(f, design$variables)))
pop_rt <- local({
  m <- model.matrix(~region + taille, baro)
  tot <- c(Nc, sapply(colnames(m)[-1], function(cn) {
    if (startsWith(cn, "region")) frame$target[frame$level == sub("^region", "", cn)]
    else size$target[size$level == sub("^taille", "", cn)]
  }))
  names(tot) <- colnames(m); tot
})
designs <- c(designs, list(
  list(name = "baro_rake", data = "barometre.csv", weight = "d", margins = "margins_region_taille.csv",
       method = "raking", bounds = "", d = rake(dbaro, list(~region, ~taille), list(pr, pt), control = ctl),
       v = cal(dbaro, ~region + taille, pop_rt, calfun = "raking"),
       call = "rake(dbaro, list(~region, ~taille), ...)",
       vcall = "calibrate(dbaro, ~region+taille, pop, calfun = 'raking')"),
  list(name = "baro_cal_logit", data = "barometre.csv", weight = "d", margins = "margins_region_taille.csv",
       method = "logit", bounds = "0.05,4", d = cal(dbaro, ~region + taille, pop_rt, calfun = "logit", bounds = c(0.05, 4)),
       call = "calibrate(dbaro, ~region+taille, pop, calfun = 'logit', bounds = c(0.05, 4))"),
  list(name = "baro_ps_taille", data = "barometre.csv", weight = "d", margins = "communes_taille_only.csv",
       method = "poststratify", bounds = "", d = postStratify(dbaro, ~taille, pt),
       call = "postStratify(dbaro, ~taille, pop)")
))
write_margins(size, "communes_taille_only.csv")

cases <- data.frame()
for (k in designs) {
  w <- weights(k$d)
  writeLines(c("weight", num(w)), paste0("expected_", k$name, ".csv"))
  g <- w / weights(switch(k$data, apistrat.csv = dstrat, apiclus1.csv = if (k$weight == "") dclus1_unw else dclus1, barometre.csv = dbaro))
  cat(sprintf("%-28s g in [%.4f, %.4f]\n", k$name, min(g), max(g)))
  if (!is.null(k$v)) {
    gap <- max(abs(weights(k$v) / w - 1))
    cat(sprintf("%-28s rake() and calibrate(calfun = 'raking') weights differ by %.2g\n", k$name, gap))
    stopifnot(gap < 1e-9)
  }
  cases <- rbind(cases, data.frame(name = k$name, data = k$data, weight = k$weight, margins = k$margins,
                                   method = k$method, bounds = k$bounds, r_call = k$call,
                                   r_estimates_call = if (is.null(k$vcall)) k$call else k$vcall))
}
write.csv(cases, "cases.csv", row.names = FALSE)

# Estimates: linearization on the calibrated designs, with Wald intervals on the design df.
est <- data.frame()
add <- function(case, variable, level, domain, statistic, e, se, lo, hi, deff) {
  est <<- rbind(est, data.frame(case = case, variable = variable, level = level, domain = domain,
                                statistic = statistic, estimate = num(as.numeric(e)), se = num(as.numeric(se)),
                                ci_low = num(as.numeric(lo)), ci_high = num(as.numeric(hi)), deff = num(as.numeric(deff))))
}
wald <- function(e, se, df) { q <- qt(0.975, df); c(e - q * se, e + q * se) }
for (k in designs) {
  if (!(k$data %in% c("apistrat.csv", "apiclus1.csv"))) next
  d <- if (is.null(k$v)) k$d else k$v; df <- degf(d)
  for (v in c("api00", "enroll")) {
    m <- svymean(as.formula(paste0("~", v)), d, deff = TRUE)
    ci <- wald(coef(m), SE(m), df)
    add(k$name, v, "", "", "mean", coef(m), SE(m), ci[1], ci[2], deff(m))
  }
  t <- svytotal(~enroll, d, deff = TRUE); ci <- wald(coef(t), SE(t), df)
  add(k$name, "enroll", "", "", "total", coef(t), SE(t), ci[1], ci[2], deff(t))
  p <- svymean(~sch.wide, d, deff = TRUE)
  for (l in c("No", "Yes")) {
    cn <- paste0("sch.wide", l); ci <- wald(coef(p)[[cn]], SE(p)[[cn]], df)
    add(k$name, "sch_wide", l, "", "proportion", coef(p)[[cn]], SE(p)[[cn]], ci[1], ci[2], deff(p)[[cn]])
  }
  # When the calibration fixes sch.wide (standard error 1e-17), the beta interval's qbeta warns and its bounds
  # are rounding noise (NA or 0.01 away): the tests require Weighting's interval to collapse on the estimate.
  for (method in c("logit", "beta")) {
    cp <- svyciprop(~I(sch.wide == "Yes"), d, method = method)
    add(k$name, "sch_wide", "Yes", "", paste0("proportion-", method), coef(cp), SE(cp),
        attr(cp, "ci")[[1]], attr(cp, "ci")[[2]], NA)
  }
  r <- svyratio(~api00, ~api99, d); ci <- wald(as.numeric(coef(r)), as.numeric(SE(r)), df)
  add(k$name, "api00/api99", "", "", "ratio", coef(r), SE(r), ci[1], ci[2], NA)
  q <- svyquantile(~api00, d, c(0.25, 0.5, 0.75), ci = TRUE)$api00
  for (i in 1:3) add(k$name, "api00", "", "", paste("quantile", c(0.25, 0.5, 0.75)[i]), q[i, 1], q[i, 4], q[i, 2], q[i, 3], NA)
  b <- svyby(~api00, ~stype, d, svymean, deff = TRUE)
  for (i in seq_len(nrow(b))) {
    s <- as.character(b$stype[i])
    dfs <- degf(subset(d, stype == s)); e <- b$api00[i]; se <- SE(b)[i]
    ci <- wald(e, se, dfs)
    add(k$name, "api00", "", paste0("stype=", s), "mean", e, se, ci[1], ci[2], deff(b)[i])
  }
}
# The barometer designs: indicators of the bundled sample, domains by size class.
for (k in designs) {
  if (k$data != "barometre.csv") next
  d <- if (is.null(k$v)) k$d else k$v; df <- degf(d)
  for (v in c("score_maturite", "population")) {
    m <- svymean(as.formula(paste0("~", v)), d, deff = TRUE)
    ci <- wald(coef(m), SE(m), df)
    add(k$name, v, "", "", "mean", coef(m), SE(m), ci[1], ci[2], deff(m))
  }
  t <- svytotal(~population, d, deff = TRUE); ci <- wald(coef(t), SE(t), df)
  add(k$name, "population", "", "", "total", coef(t), SE(t), ci[1], ci[2], deff(t))
  # open_data is missing (empty) for 57 communes: proportions among those who answered (na.rm = TRUE), a domain
  # whose degrees of freedom are those of the answering records, as for the svyby domains below.
  d <- update(d, open_data = ifelse(open_data == "", NA, open_data))
  for (v in c("site_web", "open_data")) {
    p <- svymean(as.formula(paste0("~", v)), d, deff = TRUE, na.rm = TRUE)
    dfv <- degf(d[!is.na(d$variables[[v]]), ])
    for (l in c("non", "oui")) {
      cn <- paste0(v, l); ci <- wald(coef(p)[[cn]], SE(p)[[cn]], dfv)
      add(k$name, v, l, "", "proportion", coef(p)[[cn]], SE(p)[[cn]], ci[1], ci[2], deff(p)[[cn]])
    }
  }
  for (method in c("logit", "beta")) {
    cp <- svyciprop(~I(formation_cyber == "oui"), d, method = method)
    add(k$name, "formation_cyber", "oui", "", paste0("proportion-", method), coef(cp), SE(cp),
        attr(cp, "ci")[[1]], attr(cp, "ci")[[2]], NA)
  }
  r <- svyratio(~score_maturite, ~population, d); ci <- wald(as.numeric(coef(r)), as.numeric(SE(r)), df)
  add(k$name, "score_maturite/population", "", "", "ratio", coef(r), SE(r), ci[1], ci[2], NA)
  q <- svyquantile(~score_maturite, d, c(0.25, 0.5, 0.75), ci = TRUE)$score_maturite
  for (i in 1:3) add(k$name, "score_maturite", "", "", paste("quantile", c(0.25, 0.5, 0.75)[i]), q[i, 1], q[i, 4], q[i, 2], q[i, 3], NA)
  b <- svyby(~score_maturite, ~taille, d, svymean, deff = TRUE)
  for (i in seq_len(nrow(b))) {
    s <- as.character(b$taille[i])
    dfs <- degf(subset(d, taille == s)); e <- b$score_maturite[i]; se <- SE(b)[i]
    ci <- wald(e, se, dfs)
    add(k$name, "score_maturite", "", paste0("taille=", s), "mean", e, se, ci[1], ci[2], deff(b)[i])
  }
}
# The uncalibrated designs too.
for (nm in c("dstrat", "dclus1")) {
  d <- get(nm); df <- degf(d)
  m <- svymean(~api00, d, deff = TRUE); ci <- wald(coef(m), SE(m), df)
  add(nm, "api00", "", "", "mean", coef(m), SE(m), ci[1], ci[2], deff(m))
  t <- svytotal(~enroll, d, deff = TRUE); ci <- wald(coef(t), SE(t), df)
  add(nm, "enroll", "", "", "total", coef(t), SE(t), ci[1], ci[2], deff(t))
  b <- svyby(~api00, ~stype, d, svymean, deff = TRUE)
  for (i in seq_len(nrow(b))) {
    s <- as.character(b$stype[i])
    dfs <- degf(subset(d, stype == s)); e <- b$api00[i]; se <- SE(b)[i]
    ci <- wald(e, se, dfs)
    add(nm, "api00", "", paste0("stype=", s), "mean", e, se, ci[1], ci[2], deff(b)[i])
  }
}
write.csv(est, "estimates.csv", row.names = FALSE, na = "")
cat(nrow(cases), "calibration cases,", nrow(est), "estimates\n")

# Replicate-weight designs, re-calibrated replicate by replicate (calibrate() on an svyrep.design).
# Degrees of freedom (column df, used for the Wald intervals): R's rule for replicate designs, the rank of the
# analysis replicate weights minus one (degf.svyrep.design: qr(weights, tol = 1e-5)$rank - 1), on the weights
# as they are after calibration. Column degf_r is what degf() returns on the calibrated design: calibrate()
# recomputes it only in its unbounded-linear path (regcalibrate); with calfun raking or logit it keeps the value
# of the design before calibration, so the same rule is not applied to the weights actually used.
rep_est <- data.frame()
add_rep <- function(case, variable, level, domain, statistic, e, se, df, degf_r) {
  ci <- wald(as.numeric(e), as.numeric(se), df)
  rep_est <<- rbind(rep_est, data.frame(case = case, variable = variable, level = level, domain = domain,
                                        statistic = statistic, estimate = num(as.numeric(e)), se = num(as.numeric(se)),
                                        ci_low = num(ci[1]), ci_high = num(ci[2]), df = df, degf_r = degf_r))
}
add_rep_outer <- add_rep
rep_estimates <- function(case, d) {
  df <- qr(weights(d, "analysis"), tol = 1e-5)$rank - 1
  degf_r <- degf(d)
  add_rep <- function(...) add_rep_outer(..., degf_r = degf_r)
  m <- svymean(~api00, d); add_rep(case, "api00", "", "", "mean", coef(m), SE(m), df)
  t <- svytotal(~enroll, d); add_rep(case, "enroll", "", "", "total", coef(t), SE(t), df)
  p <- svymean(~comp.imp, d)
  for (l in c("No", "Yes")) {
    j <- match(paste0("comp.imp", l), names(coef(p)))
    add_rep(case, "comp_imp", l, "", "proportion", coef(p)[j], as.numeric(SE(p))[j], df)
  }
  r <- svyratio(~api00, ~api99, d); add_rep(case, "api00/api99", "", "", "ratio", coef(r), SE(r), df)
  b <- svyby(~api00, ~stype, d, svymean)
  for (i in seq_len(nrow(b))) add_rep(case, "api00", "", paste0("stype=", b$stype[i]), "mean", b$api00[i], SE(b)[i], df)
}
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
rstrat <- as.svrepdesign(dstrat, type = "JKn")
set.seed(20261122)
bclus1 <- as.svrepdesign(dclus1, type = "subbootstrap", replicates = 50)
# The bootstrap's replicate weights before calibration, to be read back by the tests (R's RNG is not ours).
boot <- weights(bclus1, type = "analysis")
colnames(boot) <- paste0("rep_", seq_len(ncol(boot)))
out <- rename(apiclus1[, keep])
for (v in names(out)) if (is.numeric(out[[v]])) out[[v]] <- num(out[[v]])
for (j in seq_len(ncol(boot))) out[[colnames(boot)[j]]] <- num(boot[, j])
write.csv(out, "apiclus1_bootstrap.csv", row.names = FALSE, na = "", quote = TRUE)

rep_estimates("jk1_uncalibrated", rclus1)
rep_estimates("jk1_cal_linear", calibrate(rclus1, ~stype + api99, pop_sa))
rep_estimates("jk1_cal_raking", calibrate(rclus1, ~stype + sch.wide, pop_sw, calfun = "raking", epsilon = 1e-13, maxit = 1000))
rep_estimates("jkn_cal_linear", calibrate(rstrat, ~stype + sch.wide + api99, pop_lin))
rep_estimates("jkn_cal_logit", calibrate(rstrat, ~stype + sch.wide + api99, pop_lin, calfun = "logit", bounds = c(0.7, 1.7),
                                          epsilon = 1e-13, maxit = 1000))
rep_estimates("boot_cal_linear", calibrate(bclus1, ~stype + api99, pop_sa))
rep_estimates("boot_cal_raking", calibrate(bclus1, ~stype + sch.wide, pop_sw, calfun = "raking", epsilon = 1e-13, maxit = 1000))
write.csv(rep_est, "replicate_estimates.csv", row.names = FALSE, na = "")
cat(nrow(rep_est), "replicate estimates\n")

# Logistic regression (response propensity models): glm(family = binomial), unweighted and with prior weights.
glm_rows <- data.frame()
for (wt in c("none", "pw")) {
  fit <- if (wt == "none") glm(I(awards == "Yes") ~ stype + api99 + meals, family = binomial, data = apistrat,
                               control = glm.control(epsilon = 1e-14, maxit = 100))
         else suppressWarnings(glm(I(awards == "Yes") ~ stype + api99 + meals, family = binomial, data = apistrat,
                                   weights = pw, control = glm.control(epsilon = 1e-14, maxit = 100)))
  s <- summary(fit)$coefficients
  glm_rows <- rbind(glm_rows, data.frame(weights = wt, term = rownames(s), estimate = num(s[, 1]), se = num(s[, 2]),
                                         deviance = num(deviance(fit))))
}
write.csv(glm_rows, "glm_binomial.csv", row.names = FALSE)
cat(nrow(glm_rows), "glm coefficients\n")
