# Writes the R haven fixtures of the file-format tests (R 4.2, haven 2.5). Run from this folder:
#   Rscript make_fixtures.R
# - haven.sav: user-missing values declared by haven (labelled_spss: code 8 and the range 90-99 missing), a date,
#   a long string (400 characters), value and variable labels;
# - haven.dta: Stata tagged missing values (.a "refus", .b "ne sait pas") and value labels;
# - haven.sas7bdat: a SAS data set (haven's write_sas) with a date.
library(haven)
n <- 30
i <- seq_len(n) - 1
region <- c(84, 76, 11, 93)[i %% 4 + 1]
note <- ifelse(i %% 10 == 3, 8, ifelse(i %% 10 == 7, 95, i %% 5 + 1))
d <- data.frame(id = sprintf("r%02d", i))
d$region <- labelled_spss(region, labels = c("Auvergne-Rhône-Alpes" = 84, "Occitanie" = 76, "Île-de-France" = 11,
                                             "Provence-Alpes-Côte d'Azur" = 93), label = "Région")
d$note <- labelled_spss(note, labels = c("Sans avis" = 8, "Refus" = 95), na_values = 8, na_range = c(90, 99),
                        label = "Note de 1 à 5")
d$date_reponse <- as.Date("2024-03-01") + i
d$texte <- ifelse(i %% 7 == 0, strrep("abcdéfghij", 40), "court")
write_sav(d, "haven.sav")

s <- data.frame(id = sprintf("r%02d", i))
s$region <- labelled(region, labels = c("Auvergne-Rhône-Alpes" = 84, "Occitanie" = 76, "Île-de-France" = 11,
                                        "Provence-Alpes-Côte d'Azur" = 93), label = "Région")
age <- 20 + i
age[i %% 6 == 1] <- NA
ta <- rep(NA_character_, n)
ta[i %% 9 == 2] <- "a"
ta[i %% 9 == 5] <- "b"
age_t <- ifelse(is.na(ta), age, tagged_na(ifelse(is.na(ta), "a", ta)))
s$age <- labelled(age_t, labels = c("refus" = tagged_na("a"), "ne sait pas" = tagged_na("b")), label = "Âge")
write_dta(s, "haven.dta", version = 14)

w <- data.frame(id = sprintf("r%02d", i), region = region, poids = 1 + i / 10,
                date_reponse = as.Date("2024-03-01") + i)
suppressWarnings(write_sas(w, "haven.sas7bdat"))
