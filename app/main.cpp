// The executable: parse the command line, then run headless or the window.
#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <QStringList>

#include "commandline.h"
#include "exitcodes.h"
#include "guimain.h"
#include "headlessrunner.h"

namespace {

// Decided before any QApplication exists: without a display, a QApplication
// would abort.
bool hasDisplay()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

// Qt would otherwise reuse a closed 0, 1 or 2 for its own descriptors, and
// received bytes would land in them.
void reserveStandardDescriptors()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            const int devNull = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (devNull >= 0 && devNull != fd) {
                ::dup2(devNull, fd);
                ::close(devNull);
            }
        }
    }
}

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

// A flood arrives in buffers of up to Session::readBufferSize, allocated
// and freed for every read. glibc would map (or grow the heap for) fresh
// pages for each and give them back at once, so every chunk costs page
// faults and zeroing: several times the CPU time of the copy itself. These
// thresholds keep such buffers on the heap and its freed top resident, so
// the same pages are reused; peak memory stays as it is.
void tuneAllocator()
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

} // namespace

int main(int argc, char **argv)
{
    tuneAllocator();
    reserveStandardDescriptors();
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    const CommandLineOptions options = parseCommandLine(arguments);
    switch (options.action) {
    case CommandLineOptions::Action::Help:
        print(stdout, options.helpText);
        return toInt(ExitCode::Success);
    case CommandLineOptions::Action::Version:
        print(stdout, options.versionText);
        return toInt(ExitCode::Success);
    case CommandLineOptions::Action::Error:
        print(stderr, QStringLiteral("socketeer: %1\nTry 'socketeer --help' for more information.\n")
                          .arg(options.errorMessage));
        return toInt(ExitCode::UsageError);
    case CommandLineOptions::Action::Headless:
        return runHeadless(argc, argv, options);
    case CommandLineOptions::Action::Demo:
        if (!hasDisplay())
            return runHeadlessDemo(argc, argv);
        return runWindow(argc, argv, options, true);
    case CommandLineOptions::Action::Window:
        break;
    }
    if (!hasDisplay()) {
        print(stderr, QStringLiteral("socketeer: no display to open the window on (neither DISPLAY nor "
                                     "WAYLAND_DISPLAY is set)\nUse 'socketeer --headless HOST PORT' to run "
                                     "without a window.\n"));
        return toInt(ExitCode::UsageError);
    }
    return runWindow(argc, argv, options, false);
}
