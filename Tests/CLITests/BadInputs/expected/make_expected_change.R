# Expected output of the corpus case "change: the panel change of a proportion from a long file"
# (cases-change.json). Run from this folder: Rscript make_expected_change.R (R 4.2.2, survey 4.1.1).
# The linked panel: one design over the wave-1 ids (weights w of wave 1) carrying the wave-2 answers and
# weights of those present again (a = w2/w1, 0 for the others); svycontrast of the totals gives both
# proportions of g = "oui", their change and its standard error; the independent-samples SE is
# sqrt(v11 + v22); p-value from t on degf(design).
suppressMessages(library(survey))
num <- function(x) sprintf("%.17g", x)
long <- read.csv("../files/change-long.csv", stringsAsFactors = FALSE)
w1 <- long[long$vague == 1, ]; w2 <- long[long$vague == 2, ]
at <- match(w1$id, w2$id)
d <- data.frame(Y1 = as.numeric(w1$g == "oui"), O1 = 1, a = ifelse(is.na(at), 0, w2$w[at] / w1$w), w = w1$w)
d$AY2 <- ifelse(is.na(at), 0, d$a * as.numeric(w2$g[at] == "oui")); d$A2 <- d$a
des <- svydesign(ids = ~1, weights = ~w, data = d)
con <- svycontrast(svytotal(~Y1 + O1 + AY2 + A2, des), list(m1 = quote(Y1 / O1), m2 = quote(AY2 / A2), change = quote(AY2 / A2 - Y1 / O1)))
V <- vcov(con); est <- coef(con); se <- sqrt(diag(V))
out <- data.frame(variable = "g=oui", domain = "all", estimate1 = num(est[["m1"]]), se1 = num(se[["m1"]]),
                  estimate2 = num(est[["m2"]]), se2 = num(se[["m2"]]), change = num(est[["change"]]),
                  se_change = num(se[["change"]]), se_independent = num(sqrt(V[1, 1] + V[2, 2])),
                  p_value = num(2 * pt(-abs(est[["change"]] / se[["change"]]), degf(des))))
write.csv(out, "change_long.csv", row.names = FALSE, quote = FALSE)
