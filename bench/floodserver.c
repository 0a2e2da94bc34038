// Benchmark peer on 127.0.0.1. Prints its port on the first line of
// standard output, then serves connections one after another until killed:
//   floodserver file PATH  sends PATH (sendfile), closes its sending side,
//                          reads until the client closes, and prints
//                          "<nanoseconds from accept to the client's close> <bytes sent>"
//   floodserver reply      reads one line, answers "pong\n" and closes.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long nowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void drain(int fd)
{
    char buffer[65536];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "file") == 0 && argc < 3)) {
        fprintf(stderr, "usage: floodserver file PATH | floodserver reply\n");
        return 2;
    }
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0) {
        perror("floodserver");
        return 1;
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("%d\n", ntohs(address.sin_port));
    fflush(stdout);

    for (;;) {
        const int peer = accept(listener, NULL, NULL);
        if (peer < 0)
            continue;
        const long long start = nowNs();
        long long sent = 0;
        if (strcmp(argv[1], "file") == 0) {
            const int file = open(argv[2], O_RDONLY);
            struct stat info;
            fstat(file, &info);
            off_t offset = 0;
            while (offset < info.st_size) {
                const ssize_t n = sendfile(peer, file, &offset, (size_t)(info.st_size - offset));
                if (n <= 0)
                    break;
            }
            sent = offset;
            close(file);
            shutdown(peer, SHUT_WR);
            drain(peer);
            printf("%lld %lld\n", nowNs() - start, sent);
            fflush(stdout);
        } else {
            char line[256];
            size_t got = 0;
            while (got < sizeof line) {
                const ssize_t n = read(peer, line + got, sizeof line - got);
                if (n <= 0 || memchr(line + got, '\n', (size_t)n))
                    break;
                got += (size_t)n;
            }
            (void)!write(peer, "pong\n", 5);
            shutdown(peer, SHUT_WR);
            drain(peer);
        }
        close(peer);
    }
}
