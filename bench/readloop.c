// Baseline: the plain C read loop. Connects to 127.0.0.1:PORT and reads
// until the peer closes, discarding (or, with a FILE argument, writing to
// FILE, or to standard output for "-") what it reads in 256 KiB reads.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: readloop PORT [FILE|-]\n");
        return 2;
    }
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("readloop");
        return 1;
    }
    const int out = argc <= 2 ? -1 : strcmp(argv[2], "-") == 0 ? 1 : open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    static char buffer[262144];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        if (out >= 0 && write(out, buffer, (size_t)n) != n)
            return 1;
    }
    close(fd);
    return n < 0;
}
