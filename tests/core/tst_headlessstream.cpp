// The real `socketeer --headless` binary streams a large reply without
// holding it: its peak resident memory stays far below the stream's size,
// whether it only prints, saves raw or saves a full transcript.
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "transcript.h"
#include "transcriptio.h"

namespace {
constexpr qint64 streamSize = 48 * 1024 * 1024;
// Over the peak of the same program streaming 1 MiB: holding the stream
// would take 48 MiB more.
constexpr qint64 allowedGrowth = 12 * 1024 * 1024;

QByteArray pattern(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 31 + i / 4096) & 0xFF);
    return bytes;
}

// VmHWM of a running process, in bytes; -1 if unknown.
qint64 peakResident(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

QByteArray fileContents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

class TestHeadlessStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void streamsWithoutHoldingIt_data();
    void streamsWithoutHoldingIt();

private:
    // Runs the program against a peer that sends the first `size` bytes of
    // m_stream; *peak is its VmHWM once it has written them all, before the
    // peer closes.
    void run(qint64 size, const QString &savePath, QProcess &process, const QString &out, qint64 *peak);

    QByteArray m_stream;
    QTemporaryDir m_dir;
    qint64 m_baseline = 0;
};

void TestHeadlessStream::initTestCase()
{
    m_stream = pattern(streamSize);
    QVERIFY(m_dir.isValid());
    QProcess process;
    run(1024 * 1024, QString(), process, m_dir.filePath(QStringLiteral("baseline")), &m_baseline);
    QVERIFY(m_baseline > 0);
    qInfo("VmHWM %lld KiB after a 1 MiB stream", m_baseline / 1024);
}

void TestHeadlessStream::run(qint64 size, const QString &savePath, QProcess &process, const QString &out,
                             qint64 *peak)
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    process.setProcessEnvironment(env);
    process.setStandardOutputFile(out);
    QStringList arguments{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"),
                          QString::number(server.serverPort())};
    if (!savePath.isEmpty())
        arguments << QStringLiteral("--save") << savePath;
    process.start(QStringLiteral(SOCKETEER_BINARY), arguments);
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    QVERIFY(server.waitForNewConnection(30000));
    QTcpSocket *peer = server.nextPendingConnection();

    qint64 written = 0;
    auto feed = [&] {
        while (written < size && peer->bytesToWrite() < 1024 * 1024) {
            const qint64 n = std::min<qint64>(65536, size - written);
            peer->write(m_stream.constData() + written, n);
            written += n;
        }
    };
    connect(peer, &QTcpSocket::bytesWritten, peer, feed);
    feed();
    // Everything has gone through the program while it is still connected:
    // its peak memory now is its peak for the whole stream.
    QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(out).size(), size, 120000);
    *peak = peakResident(process.processId());
    peer->disconnectFromHost();

    QSignalSpy finished(&process, &QProcess::finished);
    QVERIFY(process.state() == QProcess::NotRunning || finished.wait(60000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void TestHeadlessStream::streamsWithoutHoldingIt_data()
{
    QTest::addColumn<QString>("saveName");
    QTest::newRow("standard output only") << QString();
    QTest::newRow("--save raw") << QStringLiteral("reply.bin");
    QTest::newRow("--save jsonl") << QStringLiteral("reply.jsonl");
}

void TestHeadlessStream::streamsWithoutHoldingIt()
{
    QFETCH(QString, saveName);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString out = dir.filePath(QStringLiteral("stdout"));
    const QString savePath = saveName.isEmpty() ? QString() : dir.filePath(saveName);
    QProcess process;
    qint64 peak = 0;
    run(streamSize, savePath, process, out, &peak);
    if (QTest::currentTestFailed())
        return;
    qInfo("VmHWM %lld KiB after a %lld MiB stream", peak / 1024, streamSize / (1024 * 1024));
#if defined(__SANITIZE_ADDRESS__)
    qInfo("peak memory not compared: AddressSanitizer keeps freed memory in quarantine");
#else
    QVERIFY2(peak < m_baseline + allowedGrowth,
             qPrintable(QStringLiteral("VmHWM %1 KiB, %2 KiB after 1 MiB").arg(peak / 1024).arg(m_baseline / 1024)));
#endif
    const QByteArray printed = fileContents(out);
    QCOMPARE(printed.size(), streamSize);
    QVERIFY(printed == m_stream);

    if (saveName.endsWith(QLatin1String(".bin"))) {
        QVERIFY(fileContents(savePath) == m_stream);
        QCOMPARE(QFileInfo(savePath).permissions() & 0x0777, QFile::ReadUser | QFile::WriteUser);
    } else if (!saveName.isEmpty()) {
        Transcript transcript;
        TranscriptIO::ReadError error;
        QVERIFY2(TranscriptIO::open(savePath, &transcript, &error), qPrintable(error.toString()));
        QCOMPARE(transcript.totalBytes(Transcript::Direction::Received), streamSize);
        QVERIFY(transcript.read(Transcript::Direction::Received, 0, streamSize) == m_stream);
    }
    // Never in the history; its temporary store is gone.
    QDirIterator stores(m_dir.path(), {QStringLiteral("entries.bin")}, QDir::Files, QDirIterator::Subdirectories);
    QVERIFY2(!stores.hasNext(), qPrintable(stores.hasNext() ? stores.next() : QString()));
}

QTEST_GUILESS_MAIN(TestHeadlessStream)
#include "tst_headlessstream.moc"
