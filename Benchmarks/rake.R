# Peer implementation for the benchmark: R survey rake(), CSV in, CSV out. Usage: Rscript rake.R DATA MARGINS3 OUT
suppressMessages(library(survey))
a <- commandArgs(TRUE)
df <- read.csv(a[1], colClasses = c(region = "character", size = "character", type = "character"))
m <- read.csv(a[2], stringsAsFactors = FALSE)
d <- svydesign(id = ~1, weights = ~d, data = df)
pops <- lapply(c("region", "size", "type"), function(v) {
  g <- m[m$variable == v, ]
  x <- data.frame(g$level, g$target); names(x) <- c(v, "Freq"); x
})
r <- rake(d, list(~region, ~size, ~type), pops, control = list(maxit = 100, epsilon = 1e-8))
df$weight <- weights(r)
write.csv(df, a[3], row.names = FALSE)
