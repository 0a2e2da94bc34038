// Writes SIZE bytes of benchmark data to standard output:
//   gendata lines SIZE   numbered text lines of about 80 bytes
//   gendata random SIZE  pseudo-random bytes (xorshift, fixed seed)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gendata lines|random SIZE\n");
        return 2;
    }
    long long remaining = atoll(argv[2]);
    static char block[1 << 20];
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    long long line = 0;
    while (remaining > 0) {
        size_t used = 0;
        if (strcmp(argv[1], "lines") == 0) {
            while (used + 128 < sizeof block) {
                used += (size_t)snprintf(block + used, 128,
                                         "%010lld The quick brown fox jumps over the lazy dog; pack my box.\n",
                                         line++);
            }
        } else {
            for (; used + 8 <= sizeof block; used += 8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                memcpy(block + used, &state, 8);
            }
        }
        const size_t n = remaining < (long long)used ? (size_t)remaining : used;
        if (fwrite(block, 1, n, stdout) != n)
            return 1;
        remaining -= (long long)n;
    }
    return 0;
}
