// Declarations of the Fortran LAPACK / BLAS routines Weighting calls.
// Debian's liblapack-dev ships no C header, so we declare what we use.
// gfortran conventions: every argument by pointer, 32-bit integers (LP64),
// and a hidden trailing size_t length for each CHARACTER argument
// (omitting it is undefined behaviour; see GCC bug 90329, R's FCONE).
#ifndef WEIGHTING_CLAPACK_SHIM_H
#define WEIGHTING_CLAPACK_SHIM_H
#include <stddef.h>

/* Cholesky solve of a symmetric positive definite system A X = B. */
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info, size_t uplo_len);

/* Pivoted Cholesky with complete pivoting (rank revealing) of a positive semidefinite matrix. */
void dpstrf_(const char *uplo, const int *n, double *a, const int *lda, int *piv, int *rank,
             const double *tol, double *work, int *info, size_t uplo_len);

/* Symmetric indefinite solve (Bunch-Kaufman). */
void dsysv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, double *work, const int *lwork, int *info, size_t uplo_len);

/* Minimum-norm least squares by SVD (divide and conquer). */
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
             const int *ldb, double *s, const double *rcond, int *rank, double *work,
             const int *lwork, int *iwork, int *info);

/* QR factorisation with column pivoting. */
void dgeqp3_(const int *m, const int *n, double *a, const int *lda, int *jpvt, double *tau,
             double *work, const int *lwork, int *info);

/* Inverse of a symmetric positive definite matrix from its Cholesky factor. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);

/* BLAS level 3: C := alpha A' A + beta C (trans = 'T') or alpha A A' + beta C. */
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *beta, double *c, const int *ldc,
            size_t uplo_len, size_t trans_len);

/* BLAS level 3: C := alpha op(A) op(B) + beta C. */
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc, size_t transa_len, size_t transb_len);

/* BLAS level 2: y := alpha op(A) x + beta y. */
void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
            const int *lda, const double *x, const int *incx, const double *beta, double *y,
            const int *incy, size_t trans_len);

#endif
