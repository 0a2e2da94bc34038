// Autosaved transcripts: listing, reopening, removing, retention, privacy
// and recovery after the recording process is killed.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "session.h"
#include "transcript.h"
#include "transcripthistory.h"

using Direction = Transcript::Direction;

namespace {
QByteArray pattern(qint64 size, int seed = 0)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 13 + seed) & 0xFF);
    return bytes;
}

constexpr QFile::Permissions privateFolder = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
    | QFile::ReadUser | QFile::WriteUser | QFile::ExeUser;
constexpr QFile::Permissions privateFile = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser;

const char recorderFolderVariable[] = "SOCKETEER_TEST_RECORDER_FOLDER";
const char recorderPortVariable[] = "SOCKETEER_TEST_RECORDER_PORT";

// The child process of recoveryAfterKill: a Session recording into the
// history folder, as the window does with autosave on, until it is killed.
int runRecorder()
{
    const TranscriptHistory history(qEnvironmentVariable(recorderFolderVariable));
    Session session;
    session.setTranscriptFactory([&history](const QString &host, quint16 port) {
        return history.createTranscript(host, port);
    });
    QObject::connect(&session, &Session::connected, &session, [&session] { session.send("hello\n"); });
    if (!session.connectToHost(QStringLiteral("127.0.0.1"), quint16(qEnvironmentVariableIntValue(recorderPortVariable))))
        return 2;
    return QCoreApplication::exec();
}

// Received bytes that entry records on disk account for (the data file may
// be ahead of its records: docs/transcript-store.md).
qint64 recordedBytesReceived(const QString &storeFolder)
{
    QFile file(storeFolder + QStringLiteral("/entries.bin"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray records = file.readAll();
    qint64 total = 0;
    for (qsizetype at = 0; at + 40 <= records.size(); at += 40) {
        const auto flags = qFromLittleEndian<quint32>(records.constData() + at);
        if ((flags & 3) == 3) // data, received
            total += qFromLittleEndian<quint32>(records.constData() + at + 4);
    }
    return total;
}

QByteArray received(const Transcript &transcript, Direction direction)
{
    QByteArray bytes;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry e = transcript.entry(i);
        if (e.kind == Transcript::Kind::Data && e.direction == direction)
            bytes += transcript.data(i);
    }
    return bytes;
}
} // namespace

class TestTranscriptHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void defaultFolderIsAppData();
    void createListOpen();
    void storesArePrivate();
    void activeStoreIsNotRemoved();
    void newestFirst();
    void enforceRemovesOldestInactive();
    void badIds();
    void unwritableFolderFallsBack();
    void recoveryAfterKill();

private:
    static void append(Transcript &transcript, qint64 bytes, int seed = 0);
};

void TestTranscriptHistory::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestTranscriptHistory::append(Transcript &transcript, qint64 bytes, int seed)
{
    transcript.appendData(Direction::Received, pattern(bytes, seed));
}

void TestTranscriptHistory::defaultFolderIsAppData()
{
    QCOMPARE(TranscriptHistory::defaultFolder(),
             QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/transcripts"));
    QCOMPARE(TranscriptHistory().folder(), TranscriptHistory::defaultFolder());
}

void TestTranscriptHistory::createListOpen()
{
    QTemporaryDir dir;
    const TranscriptHistory history(dir.filePath(QStringLiteral("transcripts")));
    QVERIFY(history.items().isEmpty());
    QString error;
    std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("example.org"), 8080, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    transcript->start();
    transcript->appendEvent(QStringLiteral("connected"), QStringLiteral("127.0.0.1:8080"));
    transcript->appendData(Direction::Sent, "PING\r\n");
    append(*transcript, 300000);
    QVERIFY(transcript->flush());

    QList<TranscriptHistory::Item> items = history.items();
    QCOMPARE(items.size(), 1);
    TranscriptHistory::Item item = items.first();
    QCOMPARE(item.path, transcript->storePath());
    QCOMPARE(item.id, QFileInfo(item.path).fileName());
    QCOMPARE(item.host, QStringLiteral("example.org"));
    QCOMPARE(item.port, 8080);
    QCOMPARE(item.startTime, transcript->startTime());
    QVERIFY(item.active);
    QVERIFY(!item.recovered);
    QVERIFY(!item.endTime.isValid());
    QCOMPARE(item.bytesReceived, 300000);
    QCOMPARE(item.bytesSent, 6);

    // Readable while it records (as it is now).
    {
        const std::shared_ptr<Transcript> live = history.open(item.id, &error);
        QVERIFY2(live, qPrintable(error));
        QCOMPARE(live->totalBytes(Direction::Received), 300000);
    }
    QVERIFY(history.items().first().active);

    const qint64 lastWall = transcript->entry(transcript->entryCount() - 1).wallMs;
    const qint64 entries = transcript->entryCount();
    transcript.reset();
    item = history.items().first();
    QVERIFY(!item.active);
    QVERIFY(!item.recovered);
    QCOMPARE(item.endTime.toMSecsSinceEpoch(), lastWall);
    QCOMPARE(item.bytesReceived, 300000);
    QCOMPARE(item.bytesSent, 6);
    QVERIFY(item.diskSize >= 300006 + entries * 40);

    const std::shared_ptr<Transcript> reopened = history.open(item.id, &error);
    QVERIFY2(reopened, qPrintable(error));
    QCOMPARE(reopened->host(), QStringLiteral("example.org"));
    QCOMPARE(reopened->port(), 8080);
    QCOMPARE(reopened->startTime(), item.startTime);
    QCOMPARE(reopened->entryCount(), entries);
    QCOMPARE(reopened->entry(0).event, QStringLiteral("connected"));
    QCOMPARE(reopened->data(1), QByteArray("PING\r\n"));
    QCOMPARE(received(*reopened, Direction::Received), pattern(300000));
    QVERIFY(!reopened->isModified());
    QVERIFY(!reopened->isRecording());
    reopened->appendData(Direction::Received, "ignored");
    QCOMPARE(reopened->entryCount(), entries);
    QCOMPARE(reopened->droppedBytes(), 7);

    QVERIFY2(history.remove(item.id, &error), qPrintable(error));
    QVERIFY(!QFileInfo::exists(item.path));
    QVERIFY(history.items().isEmpty());
    QVERIFY(!history.open(item.id, &error));
    QVERIFY(!error.isEmpty());
}

void TestTranscriptHistory::storesArePrivate()
{
    QTemporaryDir dir;
    const TranscriptHistory history(dir.filePath(QStringLiteral("a/transcripts")));
    std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("h"), 1);
    append(*transcript, 1000);
    transcript->appendEvent(QStringLiteral("e"), QStringLiteral("d"));
    QVERIFY(transcript->flush());
    const QString path = transcript->storePath();
    for (bool recording : {true, false}) {
        if (!recording)
            transcript.reset();
        QCOMPARE(QFileInfo(history.folder()).permissions(), privateFolder);
        QCOMPARE(QFileInfo(path).permissions(), privateFolder);
        const QStringList files = QDir(path).entryList(QDir::Files | QDir::Hidden);
        QVERIFY(files.contains(QStringLiteral("meta.json")));
        QVERIFY(files.contains(QStringLiteral("received.bin")));
        QCOMPARE(files.contains(QStringLiteral("lock")), recording);
        for (const QString &name : files)
            QCOMPARE(QFileInfo(path + QLatin1Char('/') + name).permissions(), privateFile);
    }
}

void TestTranscriptHistory::activeStoreIsNotRemoved()
{
    QTemporaryDir dir;
    const TranscriptHistory history(dir.path());
    std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("h"), 1);
    const QString id = history.items().first().id;
    QString error;
    QVERIFY(!history.remove(id, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(history.enforce({0, 0}).isEmpty());
    QCOMPARE(history.items().size(), 1);
    transcript.reset();
    QCOMPARE(history.enforce({0, 0}), QStringList{id});
    QVERIFY(history.items().isEmpty());
}

void TestTranscriptHistory::newestFirst()
{
    QTemporaryDir dir;
    const TranscriptHistory history(dir.path());
    const QDateTime base = QDateTime::currentDateTimeUtc();
    for (int i : {2, 0, 1}) {
        std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("host%1").arg(i), 1);
        transcript->setStartTime(base.addSecs(i));
    }
    const QList<TranscriptHistory::Item> items = history.items();
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.at(0).host, QStringLiteral("host2"));
    QCOMPARE(items.at(1).host, QStringLiteral("host1"));
    QCOMPARE(items.at(2).host, QStringLiteral("host0"));
}

void TestTranscriptHistory::enforceRemovesOldestInactive()
{
    QTemporaryDir dir;
    const TranscriptHistory history(dir.path());
    const QDateTime base = QDateTime::currentDateTimeUtc();
    QStringList ids; // oldest first
    for (int i = 0; i < 5; ++i) {
        std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("host%1").arg(i), 1);
        transcript->setStartTime(base.addSecs(i));
        append(*transcript, 100000, i);
        ids.append(QFileInfo(transcript->storePath()).fileName());
    }
    QCOMPARE(history.enforce({5, 10'000'000}), QStringList());
    QCOMPARE(history.enforce({3, 10'000'000}), (QStringList{ids.at(0), ids.at(1)}));
    QCOMPARE(history.items().size(), 3);
    // By size: three stores of a bit over 100 kB each do not fit in 250 kB.
    QCOMPARE(history.enforce({50, 250'000}), QStringList{ids.at(2)});
    const QList<TranscriptHistory::Item> left = history.items();
    QCOMPARE(left.size(), 2);
    QCOMPARE(left.at(0).id, ids.at(4));
    QCOMPARE(left.at(1).id, ids.at(3));
    QVERIFY(!QFileInfo::exists(dir.filePath(ids.at(0))));
}

void TestTranscriptHistory::badIds()
{
    QTemporaryDir dir;
    const TranscriptHistory history(dir.filePath(QStringLiteral("h")));
    QString error;
    for (const QString &id : {QString(), QStringLiteral(".."), QStringLiteral("../h"), QStringLiteral("missing")}) {
        error.clear();
        QVERIFY(!history.open(id, &error));
        QVERIFY(!error.isEmpty());
        error.clear();
        QVERIFY(!history.remove(id, &error));
        QVERIFY(!error.isEmpty());
    }
    QVERIFY(QFileInfo::exists(dir.path()));
}

void TestTranscriptHistory::unwritableFolderFallsBack()
{
    QTemporaryDir dir;
    QFile blocker(dir.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const TranscriptHistory history(dir.filePath(QStringLiteral("file/transcripts")));
    QString error;
    std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("h"), 7, &error);
    QVERIFY(transcript);
    QVERIFY(!error.isEmpty());
    QCOMPARE(transcript->host(), QStringLiteral("h"));
    QVERIFY(!transcript->storePath().startsWith(dir.path()));
    append(*transcript, 10);
    QCOMPARE(transcript->totalBytes(Direction::Received), 10);
    QVERIFY(history.items().isEmpty());
}

// A recording process is killed (SIGKILL) mid-stream: its store is listed
// as recovered, and opening it keeps the intact entries (a prefix of the
// stream) and cuts a torn tail.
void TestTranscriptHistory::recoveryAfterKill()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("transcripts"));
    const TranscriptHistory history(folder);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));

    QProcess recorder;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(recorderFolderVariable), folder);
    env.insert(QString::fromLatin1(recorderPortVariable), QString::number(server.serverPort()));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    recorder.setProcessEnvironment(env);
    recorder.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    recorder.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(recorder.waitForStarted());
    QVERIFY(server.waitForNewConnection(30000));
    QTcpSocket *peer = server.nextPendingConnection();
    QVERIFY(peer);

    const QByteArray stream = pattern(16 * 1024 * 1024, 3);
    qsizetype written = 0;
    auto feed = [&] {
        while (written < stream.size() && peer->bytesToWrite() < 1024 * 1024) {
            const qsizetype n = std::min<qsizetype>(65536, stream.size() - written);
            peer->write(stream.constData() + written, n);
            written += n;
        }
    };
    connect(peer, &QTcpSocket::bytesWritten, peer, feed);
    feed();
    QByteArray hello;
    connect(peer, &QTcpSocket::readyRead, peer, [&] { hello += peer->readAll(); });

    // Killed once a good part of the stream is on disk with its records.
    QTRY_VERIFY_WITH_TIMEOUT(!history.items().isEmpty()
                                 && recordedBytesReceived(history.items().first().path) > 2 * 1024 * 1024,
                             60000);
    QVERIFY(history.items().first().active);
    recorder.kill();
    QVERIFY(recorder.waitForFinished(30000));
    QCOMPARE(recorder.exitStatus(), QProcess::CrashExit);
    QCOMPARE(hello, QByteArray("hello\n"));

    TranscriptHistory::Item item = history.items().first();
    QVERIFY(!item.active);
    QVERIFY(item.recovered);
    QCOMPARE(item.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(item.port, server.serverPort());

    // A torn tail, as a write cut short would leave.
    {
        QFile entries(item.path + QStringLiteral("/entries.bin"));
        QVERIFY(entries.open(QIODevice::Append));
        entries.write(QByteArray(17, '\x01'));
        QFile data(item.path + QStringLiteral("/received.bin"));
        QVERIFY(data.open(QIODevice::Append));
        data.write("trailing bytes without an entry");
    }

    QString error;
    const std::shared_ptr<Transcript> reopened = history.open(item.id, &error);
    QVERIFY2(reopened, qPrintable(error));
    const qint64 kept = reopened->totalBytes(Direction::Received);
    QVERIFY(kept > 2 * 1024 * 1024);
    QVERIFY(kept <= written);
    QCOMPARE(received(*reopened, Direction::Received), stream.first(kept));
    QCOMPARE(received(*reopened, Direction::Sent), QByteArray("hello\n"));
    QCOMPARE(reopened->entry(0).event, QStringLiteral("connecting"));
    QCOMPARE(QFileInfo(item.path + QStringLiteral("/received.bin")).size(), kept);
    QCOMPARE(QFileInfo(item.path + QStringLiteral("/entries.bin")).size(), reopened->entryCount() * 40);

    item = history.items().first();
    QVERIFY(item.recovered);
    QVERIFY(!item.active);
    QCOMPARE(item.bytesReceived, kept);
    QCOMPARE(item.bytesSent, 6);
    // Once repaired, it reopens the same.
    const std::shared_ptr<Transcript> again = history.open(item.id, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->entryCount(), reopened->entryCount());
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet(recorderFolderVariable)) {
        QCoreApplication app(argc, argv);
        return runRecorder();
    }
    QCoreApplication app(argc, argv);
    TestTranscriptHistory test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_transcripthistory.moc"
