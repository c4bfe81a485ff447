# Expected values of the contrasts cases of the bad-input corpus (cases-contrasts.json), from R survey.
# Run from this folder: Rscript make_expected_contrasts.R   (R 4.2.2, survey 4.1.1); the tests never run R.
# weight-cli test one_respondent_domain.csv --variable score --by region --against-total:
# each region's mean minus the whole mean, svycontrast (delta method) on svytotal of score 1{region}, 1{region},
# score, 1; t test on degf(design) = 60. The region Ouest has one respondent: its estimate is given, no
# standard error and no test.
suppressMessages(library(survey))
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
od <- read.csv("../files/one_respondent_domain.csv", stringsAsFactors = FALSE)
d <- svydesign(id = ~1, weights = ~rep(1, nrow(od)), data = od)
rows <- list()
for (l in sort(unique(od$region))) {
  d2 <- update(d, .ya = score * (region == l), .na = as.numeric(region == l), .one = 1)
  sc <- svycontrast(svytotal(~.ya + .na + score + .one, d2), quote(.ya / .na - score / .one))
  one <- sum(od$region == l) < 2
  se <- if (one) NA else SE(sc)
  p <- if (one) NA else 2 * pt(-abs(coef(sc) / SE(sc)), degf(d))
  rows[[length(rows) + 1]] <- data.frame(comparison = paste0("score mean: ", l, " - all"), estimate = num(coef(sc)),
                                         se = num(se), df = num(degf(d)), p_value = num(p))
}
write.csv(do.call(rbind, rows), "contrasts_one_respondent.csv", row.names = FALSE, quote = FALSE)
