// Baseline for the connect-send-receive-close cycles: N times, connect to
// 127.0.0.1:PORT, send "ping\n", read until the peer closes, close.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cycles PORT COUNT\n");
        return 2;
    }
    const int count = atoi(argv[2]);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
            perror("cycles");
            return 1;
        }
        if (write(fd, "ping\n", 5) != 5)
            return 1;
        char buffer[4096];
        ssize_t n;
        long received = 0;
        while ((n = read(fd, buffer, sizeof buffer)) > 0)
            received += n;
        close(fd);
        if (received != 5)
            return 1;
    }
    return 0;
}
