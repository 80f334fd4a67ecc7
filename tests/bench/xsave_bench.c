// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-profile helper: what one XSAVE/XRSTOR pair of the full user
 * state costs on this CPU (in the VM: under qemu TCG), the operation the
 * kernel runs when kernel_fpu_begin() finds a user task's registers live
 * and on the return to user. Userspace can only run XSAVE(OPT)/XRSTOR,
 * not the kernel's XSAVES/XRSTORS; the state saved is the same.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* integers: XRSTOR reloads the vector registers a double may live in */
static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static inline uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	unsigned int a, b, c, d;
	uint64_t mask;
	uint32_t lo, hi;
	void *area;
	uint64_t t0, t1, t2;
	long i;

	__cpuid_count(0xd, 0, a, b, c, d);
	mask = xgetbv0();
	lo = (uint32_t)mask;
	hi = (uint32_t)(mask >> 32);
	if (posix_memalign(&area, 64, b + 64))
		return 1;
	memset(area, 0, b + 64);
	__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
	t0 = now();
	for (i = 0; i < n; i++)
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
	t1 = now();
	for (i = 0; i < n; i++)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
	t2 = now();
	printf("xsave_bench: XCR0 %#llx, XSAVE area %u bytes, %ld iterations\n",
	       (unsigned long long)mask, b, n);
	printf("xsave_bench: xsave %.3f us, xrstor %.3f us per instruction\n",
	       (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n);
	free(area);
	return 0;
}
