# Golden values for contrasts, domain comparisons and design-based tests (Weighting's ContrastGoldenTests).
# Run from this folder: Rscript make_contrasts.R   (needs r-cran-survey; the tests never run R)
# Made with R 4.2.2 and survey 4.1.1. Reads the data and margins of ../golden (written by make_golden.R).
# Writes contrasts.csv, one row per number checked, every number with 17 significant digits:
#   design, kind, variable, level, statistic, denominator, by, spec, estimate, se, df, stat, ndf, ddf, p_value
# kinds:
#   contrast   svycontrast on svyby(..., covmat = TRUE) (a domain against another; spec "A - B", "A + B - 2*C");
#   ratio      svycontrast(svyby, quote(A/B)): the ratio of two domain estimates, delta method (spec "A / B");
#   whole      a domain against the whole (spec "A - *"): linearization designs: svycontrast of the delta method
#              on svytotal of y 1{domain}, 1{domain}, y, 1 (records with y missing count in no total);
#              replicate designs: withReplicates on the domain and whole means, then svycontrast;
#   pairwise   p-value of one pair (spec "A - B") adjusted over all pairs of the domain variable by p.adjust,
#              "holm" or "bonferroni" in column stat_method (p from t on degf(design));
#   wald       regTermTest(svyglm(y ~ by), ~by, df = degf(design), method = "Wald"): all domains equal;
#   ttest      svyttest(y ~ group): estimate = difference in means (second level minus first), stat = t;
#   chisq_F    svychisq(~row + col, statistic = "F"): stat = F, ndf, ddf (non-integer), p_value;
#   chisq_Chisq svychisq(~row + col, statistic = "Chisq"): stat = Pearson X^2 on the table scaled to n, df.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
g <- "../golden/"
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
apistrat <- read.csv(paste0(g, "apistrat.csv"), stringsAsFactors = FALSE, colClasses = c(cds = "character"))
apiclus1 <- read.csv(paste0(g, "apiclus1.csv"), stringsAsFactors = FALSE, colClasses = c(cds = "character"))
baro <- read.csv(paste0(g, "barometre.csv"), stringsAsFactors = FALSE, encoding = "UTF-8",
                 colClasses = c(code_insee = "character"), na.strings = "")
margins <- function(file) read.csv(paste0(g, file), stringsAsFactors = FALSE, colClasses = c(level = "character"))
mval <- function(m, var, lev) m$target[m$variable == var & m$level == lev]

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dbaro <- svydesign(id = ~1, weights = ~d, data = baro)

m_sw <- margins("margins_stype_schwide.csv")
N <- sum(m_sw$target[m_sw$variable == "stype"])
pop_sw <- c(`(Intercept)` = N, stypeH = mval(m_sw, "stype", "H"), stypeM = mval(m_sw, "stype", "M"),
            sch_wideYes = mval(m_sw, "sch_wide", "Yes"))
m_sa <- margins("margins_stype_api99.csv")
pop_sa <- c(`(Intercept)` = N, stypeH = mval(m_sa, "stype", "H"), stypeM = mval(m_sa, "stype", "M"),
            api99 = mval(m_sa, "api99", ""))
m_lin <- margins("margins_stype_schwide_api99.csv")
pop_lin <- c(pop_sw, api99 = mval(m_lin, "api99", ""))
m_rt <- margins("margins_region_taille.csv")
mm_rt <- model.matrix(~region + taille, baro)
pop_rt <- c(sum(m_rt$target[m_rt$variable == "region"]), sapply(colnames(mm_rt)[-1], function(cn) {
  if (startsWith(cn, "region")) mval(m_rt, "region", sub("^region", "", cn)) else mval(m_rt, "taille", sub("^taille", "", cn))
}))
names(pop_rt)[1] <- "(Intercept)"
eps <- list(epsilon = 1e-13, maxit = 1000)

designs <- list(
  strat = dstrat,
  strat_cal_raking = do.call(calibrate, c(list(dstrat, ~stype + sch_wide, pop_sw, calfun = "raking"), eps)),
  clus1 = dclus1,
  clus_cal_linear = calibrate(dclus1, ~stype + api99, pop_sa),
  baro_rake = do.call(calibrate, c(list(dbaro, ~region + taille, pop_rt, calfun = "raking"), eps)),
  jk1_clus1 = as.svrepdesign(dclus1, type = "JK1"),
  jkn_cal_linear = calibrate(as.svrepdesign(dstrat, type = "JKn"), ~stype + sch_wide + api99, pop_lin)
)

rows <- list()
add <- function(design, kind, variable, level = "", statistic = "mean", denominator = "", by = "", spec = "",
                estimate = NA, se = NA, df = NA, stat = NA, ndf = NA, ddf = NA, p = NA, stat_method = "") {
  rows[[length(rows) + 1]] <<- data.frame(design = design, kind = kind, variable = variable, level = level,
    statistic = statistic, denominator = denominator, by = by, spec = spec, stat_method = stat_method,
    estimate = num(estimate), se = num(se), df = num(df), stat = num(stat), ndf = num(ndf), ddf = num(ddf),
    p_value = num(p), stringsAsFactors = FALSE)
}
isrep <- function(d) inherits(d, "svyrep.design")
fml <- function(v) as.formula(paste0("~", v))

# Domain estimates with their covariance. Replicate designs: svyby(..., covmat = TRUE). Linearization designs:
# svycontrast (delta method) on svytotal of y 1{domain}, x 1{domain} (x = 1 for means, the denominator for
# ratios), because svyby(covmat = TRUE) fails on calibrated designs in survey 4.1.1 (the influence matrices
# of its domains have the full design's rows). Records with y (or x) missing count in no total.
domain_stat <- function(d, y, by, stat = "mean", level = "", denominator = "") {
  v <- d$variables[[y]]
  yv <- if (level != "") as.numeric(v == level) else v
  xv <- if (stat == "ratio") d$variables[[denominator]] else rep(1, length(yv))
  ok <- !is.na(yv) & !is.na(xv)
  y0 <- ifelse(ok, yv, 0); x0 <- ifelse(ok, xv, 0)
  g <- d$variables[[by]]
  lev <- sort(unique(g))
  if (isrep(d)) {
    d2 <- update(d, .y = y0, .x = x0, .g = g)
    return(withReplicates(d2, function(w, data) {
      sapply(lev, function(l) {
        i <- data$.g == l
        if (stat == "total") sum(w[i] * data$.y[i]) else sum(w[i] * data$.y[i]) / sum(w[i] * data$.x[i])
      })
    }))
  }
  nm <- paste0(".v", seq_along(lev))
  vars <- list()
  for (k in seq_along(lev)) { vars[[paste0(nm[k], "y")]] <- y0 * (g == lev[k]); vars[[paste0(nm[k], "x")]] <- x0 * (g == lev[k]) }
  d2 <- do.call(update, c(list(d), vars))
  t <- svytotal(as.formula(paste("~", paste(names(vars), collapse = "+"))), d2)
  ex <- lapply(seq_along(lev), function(k) {
    if (stat == "total") as.name(paste0(nm[k], "y")) else call("/", as.name(paste0(nm[k], "y")), as.name(paste0(nm[k], "x")))
  })
  names(ex) <- lev
  svycontrast(t, ex)
}

contrast_rows <- function(name, d, y, by, stat = "mean", level = "", denominator = "", pairs) {
  b <- domain_stat(d, y, by, stat, level, denominator)
  lev <- names(coef(b))
  for (pr in pairs) {
    cf <- setNames(rep(0, length(lev)), lev); cf[pr[1]] <- 1; cf[pr[2]] <- -1
    sc <- svycontrast(b, cf)
    add(name, "contrast", y, level, stat, denominator, by, paste(pr[1], "-", pr[2]), coef(sc), SE(sc))
  }
  b
}

# A domain against the whole, mean of y (a numeric variable or a level indicator).
whole_rows <- function(name, d, y, by, lev, level = "") {
  v <- d$variables[[y]]
  x <- if (level != "") as.numeric(v == level) else v
  ok <- !is.na(x); x0 <- ifelse(ok, x, 0)
  ina <- as.numeric(d$variables[[by]] == lev)
  d2 <- update(d, .ya = x0 * ina, .na = ok * ina, .y = x0, .n = as.numeric(ok))
  if (isrep(d2)) {
    s <- withReplicates(d2, function(w, data) c(a = sum(w * data$.ya) / sum(w * data$.na), all = sum(w * data$.y) / sum(w * data$.n)))
    sc <- svycontrast(s, c(a = 1, all = -1))
  } else {
    t <- svytotal(~.ya + .na + .y + .n, d2)
    sc <- svycontrast(t, quote(.ya / .na - .y / .n))
  }
  add(name, "whole", y, level, "mean", "", by, paste(lev, "- *"), coef(sc), SE(sc))
}

pairwise_rows <- function(name, d, y, by, b) {
  lev <- names(coef(b))
  pairs <- combn(lev, 2, simplify = FALSE)
  ps <- sapply(pairs, function(pr) {
    cf <- setNames(rep(0, length(lev)), lev); cf[pr[1]] <- 1; cf[pr[2]] <- -1
    sc <- svycontrast(b, cf)
    2 * pt(-abs(coef(sc) / SE(sc)), df = degf(d))
  })
  for (m in c("holm", "bonferroni")) {
    adj <- p.adjust(ps, method = m)
    for (k in seq_along(pairs))
      add(name, "pairwise", y, "", "mean", "", by, paste(pairs[[k]][1], "-", pairs[[k]][2]), df = degf(d), p = adj[k],
          stat_method = m)
  }
  add(name, "pairwise_raw", y, "", "mean", "", by, "", df = degf(d))
}

wald_row <- function(name, d, y, by) {
  m <- svyglm(as.formula(paste(y, "~", by)), d)
  r <- regTermTest(m, fml(by), df = degf(d), method = "Wald")
  add(name, "wald", y, "", "mean", "", by, "all equal", stat = r$Ftest, ndf = r$df, ddf = r$ddf, p = r$p)
}

ttest_row <- function(name, d, y, group) {
  t <- svyttest(as.formula(paste(y, "~", group)), d)
  add(name, "ttest", y, "", "mean", "", group, "", estimate = t$estimate, se = t$estimate / t$statistic,
      df = t$parameter, stat = t$statistic, p = t$p.value)
}

chisq_rows <- function(name, d, a, b) {
  f <- svychisq(as.formula(paste("~", a, "+", b)), d, statistic = "F")
  add(name, "chisq_F", a, "", "", "", b, "", stat = f$statistic, ndf = f$parameter[["ndf"]], ddf = f$parameter[["ddf"]], p = f$p.value)
  c2 <- svychisq(as.formula(paste("~", a, "+", b)), d, statistic = "Chisq")
  add(name, "chisq_Chisq", a, "", "", "", b, "", stat = c2$statistic, ndf = c2$parameter[["df"]], p = c2$p.value)
}

for (name in names(designs)) {
  d <- designs[[name]]
  if (startsWith(name, "baro")) {
    b <- contrast_rows(name, d, "score_maturite", "taille", pairs = list(c("1000-3499", "moins de 500"), c("10000-49999", "500-999")))
    sc <- svycontrast(b, quote(`10000-49999` / `moins de 500`))
    add(name, "ratio", "score_maturite", "", "mean", "", "taille", "10000-49999 / moins de 500", coef(sc), SE(sc))
    contrast_rows(name, d, "open_data", "taille", level = "oui", pairs = list(c("moins de 500", "50000 et plus")))
    whole_rows(name, d, "score_maturite", "taille", "moins de 500")
    whole_rows(name, d, "open_data", "taille", "50000 et plus", level = "oui")
    pairwise_rows(name, d, "score_maturite", "taille", b)
    wald_row(name, d, "score_maturite", "taille")
    ttest_row(name, d, "score_maturite", "site_web")
    chisq_rows(name, d, "site_web", "taille")
    chisq_rows(name, d, "open_data", "region")
  } else {
    b <- contrast_rows(name, d, "api00", "stype", pairs = list(c("E", "H"), c("H", "M")))
    sc <- svycontrast(b, quote(E / H))
    add(name, "ratio", "api00", "", "mean", "", "stype", "E / H", coef(sc), SE(sc))
    cf <- c(E = 1, H = 1, M = -2); sc <- svycontrast(b, cf)
    add(name, "contrast", "api00", "", "mean", "", "stype", "E + H - 2*M", coef(sc), SE(sc))
    contrast_rows(name, d, "api00", "stype", stat = "total", pairs = list(c("E", "M")))
    contrast_rows(name, d, "api00", "stype", stat = "ratio", denominator = "api99", pairs = list(c("E", "M")))
    contrast_rows(name, d, "sch_wide", "stype", level = "Yes", pairs = list(c("E", "H")))
    for (lev in c("E", "H", "M")) whole_rows(name, d, "api00", "stype", lev)
    whole_rows(name, d, "sch_wide", "stype", "M", level = "Yes")
    pairwise_rows(name, d, "api00", "stype", b)
    wald_row(name, d, "api00", "stype")
    ttest_row(name, d, "api00", "sch_wide")
    ttest_row(name, d, "ell", "awards")
    chisq_rows(name, d, "stype", "sch_wide")
    chisq_rows(name, d, "stype", "awards")
  }
}
out <- do.call(rbind, rows)
write.csv(out, "contrasts.csv", row.names = FALSE, na = "")
cat(nrow(out), "rows\n")
