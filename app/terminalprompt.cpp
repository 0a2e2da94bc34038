#include "terminalprompt.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace {

constexpr qsizetype maxSecretLength = 4096;

void writeText(int fd, const QByteArray &text)
{
    const char *data = text.constData();
    qsizetype left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        left -= n;
    }
}

} // namespace

std::optional<QByteArray> readSecretFromTerminal(const QString &prompt, QString *error, bool *interrupted)
{
    *interrupted = false;
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *error = QStringLiteral("no terminal to ask on (%1)").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return std::nullopt;
    }
    struct termios saved = {};
    const bool isTerminal = ::tcgetattr(fd, &saved) == 0;
    if (isTerminal) {
        struct termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= tcflag_t(ICANON);
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    writeText(fd, prompt.toLocal8Bit());

    QByteArray secret;
    bool complete = false;
    bool failed = false;
    while (!complete && !failed) {
        char c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n == 1) {
            if (c == '\n' || c == '\r')
                complete = true;
            else if (secret.size() < maxSecretLength)
                secret.append(c);
        } else if (n == 0) {
            complete = true; // end of input (Ctrl+D) ends the line
        } else if (errno == EINTR) {
            // Our signal handlers are installed without SA_RESTART: Ctrl+C lands here.
            *interrupted = true;
            failed = true;
        } else {
            *error = QStringLiteral("cannot read from the terminal: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
            failed = true;
        }
    }
    if (isTerminal)
        ::tcsetattr(fd, TCSAFLUSH, &saved);
    writeText(fd, QByteArrayLiteral("\n"));
    ::close(fd);
    if (failed) {
        secret.fill('\0');
        if (*interrupted)
            *error = QStringLiteral("interrupted");
        return std::nullopt;
    }
    return secret;
}
