// NEWSCLF_VECTOR_CLONES before a function builds it twice, with AVX2 (eight floats an
// instruction) and for any x86-64 (four), and picks one when the program loads. Neither clone
// fuses a multiply and an add (AVX2 alone does not enable FMA), so both round every product and
// sum as the C++ says: the same bits on every machine. Nothing under ThreadSanitizer, whose
// runtime is not ready when the choosing function runs.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
#define NEWSCLF_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NEWSCLF_VECTOR_CLONES
#endif
