// Benchmark: COUNT connect-send-receive-close cycles through Session, the
// core the headless command line runs, in one process, against
// `floodserver reply` on 127.0.0.1:PORT. Prints one JSON object: the time,
// and the open descriptors and resident memory after the first 10 cycles
// and after the last, so that growth shows.
#include <cstdio>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>

#include "session.h"

namespace {

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: sessioncycles PORT COUNT\n");
        return 2;
    }
    const auto port = quint16(QByteArray(argv[1]).toUInt());
    const int count = QByteArray(argv[2]).toInt();

    int fdsAfterWarmup = 0;
    qint64 rssAfterWarmup = 0;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < count; ++i) {
        Session session;
        QEventLoop loop;
        QObject::connect(&session, &Session::stateChanged, &loop, [&](Session::State state) {
            if (state == Session::State::Connected)
                session.send(QByteArrayLiteral("ping\n"));
            else if (state == Session::State::Closed)
                loop.quit();
        });
        if (!session.connectToHost(QStringLiteral("127.0.0.1"), port))
            return 1;
        loop.exec();
        if (session.bytesReceived() != 5 || session.error() != Session::Error::None) {
            std::fprintf(stderr, "cycle %d failed: %s\n", i, qUtf8Printable(session.errorString()));
            return 1;
        }
        if (i == 9) {
            QCoreApplication::processEvents(); // deferred deletions
            fdsAfterWarmup = openDescriptors();
            rssAfterWarmup = residentKiB();
        }
    }
    const qint64 elapsedNs = clock.nsecsElapsed();
    QCoreApplication::processEvents();
    std::printf("{\"cycles\":%d,\"seconds\":%.3f,\"fds_after_10\":%d,\"fds_after_all\":%d,"
                "\"rss_kib_after_10\":%lld,\"rss_kib_after_all\":%lld}\n",
                count, double(elapsedNs) / 1e9, fdsAfterWarmup, openDescriptors(),
                static_cast<long long>(rssAfterWarmup), static_cast<long long>(residentKiB()));
    return 0;
}
