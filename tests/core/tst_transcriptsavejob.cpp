// TranscriptSaveJob: a snapshot saved on a worker thread is byte for byte
// what the synchronous writer produces, in every format; progress only
// grows and reaches the total; a cancel or a failure leaves an old file
// exactly as it was.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include "transcript.h"
#include "transcriptio.h"
#include "transcriptsavejob.h"
#include "transcriptsnapshot.h"

using Direction = Transcript::Direction;
using Format = TranscriptIO::Format;

namespace {

constexpr qint64 fixtureStart = 1795626272123; // 2026-11-25T17:04:32.123Z

// Hashes what is written to it, so that tens of megabytes of expected
// output need no memory.
class HashDevice : public QIODevice
{
public:
    HashDevice() : m_hash(QCryptographicHash::Sha256) { open(QIODevice::WriteOnly); }
    QByteArray result() const { return m_hash.result(); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        m_hash.addData(QByteArrayView(data, size));
        return size;
    }

private:
    QCryptographicHash m_hash;
};

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// About `megabytes` MiB of received data in chunks of varying sizes (every
// byte value, text lines, odd sizes), with sent requests and events between.
void buildLarge(Transcript &t, int megabytes)
{
    t.setPeer(QStringLiteral("example.org"), 80);
    t.setStartTime(QDateTime::fromMSecsSinceEpoch(fixtureStart, Qt::UTC));
    t.appendEventAt(TranscriptEvent::connected(), QStringLiteral("93.184.216.34:80"), 1, fixtureStart + 1);
    quint32 state = 12345;
    qint64 tMs = 2;
    qint64 received = 0;
    const qint64 wanted = qint64(megabytes) * 1024 * 1024;
    for (int i = 0; received < wanted; ++i) {
        if (i % 50 == 0) {
            const QByteArray request = "GET /" + QByteArray::number(i) + " HTTP/1.1\r\n\r\n";
            t.appendDataAt(Direction::Sent, request, tMs, fixtureStart + tMs);
        }
        const qint64 size = 1 + (i * 7919) % (96 * 1024); // up to 96 KiB: split into 64 KiB entries
        QByteArray chunk(size, Qt::Uninitialized);
        for (qint64 k = 0; k < size; ++k) {
            state = state * 1103515245u + 12345u;
            chunk[k] = (i % 3 == 0) ? "line of text\n"[k % 13] : char(state >> 24);
        }
        t.appendDataAt(Direction::Received, chunk, tMs, fixtureStart + tMs);
        received += size;
        if (i % 97 == 0)
            t.appendEventAt(QStringLiteral("note"), QStringLiteral("event %1").arg(i), tMs, fixtureStart + tMs);
        ++tMs;
    }
    t.appendEventAt(TranscriptEvent::closedByPeer(), QString(), tMs, fixtureStart + tMs);
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

} // namespace

class tst_TranscriptSaveJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void byteExactInEveryFormat_data();
    void byteExactInEveryFormat();
    void snapshotIgnoresLaterAppends();
    void cancelKeepsTheOldFile();
    void destroyingARunningJobKeepsTheOldFile();
    void failureIsReported();
    void oneSaveAtATime();

private:
    Transcript m_large;
};

void tst_TranscriptSaveJob::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    buildLarge(m_large, 24);
    QVERIFY(m_large.totalBytes(Direction::Received) >= 24 * 1024 * 1024);
}

void tst_TranscriptSaveJob::byteExactInEveryFormat_data()
{
    QTest::addColumn<Format>("format");
    for (const Format format : {Format::Raw, Format::Text, Format::Hexdump, Format::Jsonl})
        QTest::newRow(qPrintable(TranscriptIO::formatName(format))) << format;
}

void tst_TranscriptSaveJob::byteExactInEveryFormat()
{
    QFETCH(Format, format);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("large.") + TranscriptIO::defaultSuffix(format));
    const TranscriptSnapshot snapshot = m_large.snapshot();

    TranscriptSaveJob job;
    QSignalSpy progress(&job, &TranscriptSaveJob::progress);
    QSignalSpy finished(&job, &TranscriptSaveJob::finished);
    QVERIFY(job.start(snapshot, format, path));
    QVERIFY(job.isRunning());
    QVERIFY(finished.wait(100'000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toBool(), true);
    QCOMPARE(finished.first().at(2).toBool(), false);
    QVERIFY(!job.isRunning());

    // Byte for byte what the synchronous writer makes of the same snapshot.
    HashDevice expected;
    QString error;
    QVERIFY2(TranscriptIO::write(snapshot, format, &expected, &error), qPrintable(error));
    QCOMPARE(fileHash(path), expected.result());
    QCOMPARE(job.bytesWritten(), QFileInfo(path).size());
    QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
    if (format == Format::Raw) {
        QCOMPARE(job.bytesWritten(), m_large.totalBytes(Direction::Received));
        QCOMPARE(readFile(path).left(1000), m_large.read(Direction::Received, 0, 1000));
    }

    // Progress: from 0, never back, ending at the total.
    const qint64 total = TranscriptIO::progressTotal(snapshot, format);
    QCOMPARE(job.total(), total);
    QVERIFY(progress.count() >= 2);
    qint64 last = -1;
    for (const QList<QVariant> &arguments : progress) {
        const qint64 done = arguments.at(0).toLongLong();
        QCOMPARE(arguments.at(1).toLongLong(), total);
        QVERIFY2(done > last, qPrintable(QStringLiteral("%1 after %2").arg(done).arg(last)));
        last = done;
    }
    QCOMPARE(progress.first().at(0).toLongLong(), qint64(0));
    QCOMPARE(last, total);
    QCOMPARE(job.done(), total);
    QCOMPARE(entries(dir.path()), QStringList{QFileInfo(path).fileName()}); // no temporary file left
}

void tst_TranscriptSaveJob::snapshotIgnoresLaterAppends()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Transcript transcript;
    transcript.start();
    transcript.appendData(Direction::Received, "before");
    TranscriptSaveJob job;
    QSignalSpy finished(&job, &TranscriptSaveJob::finished);
    const QString path = dir.filePath(QStringLiteral("t.bin"));
    QVERIFY(job.start(transcript.snapshot(), Format::Raw, path));
    transcript.appendData(Direction::Received, "after"); // while saving
    QVERIFY(finished.wait());
    QVERIFY(finished.first().at(0).toBool());
    QCOMPARE(readFile(path), QByteArray("before"));
}

void tst_TranscriptSaveJob::cancelKeepsTheOldFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("old.txt"));
    const QByteArray old = "the old file\n";
    QVERIFY(writeFile(path, old));
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0640) == 0);

    TranscriptSaveJob job;
    QSignalSpy finished(&job, &TranscriptSaveJob::finished);
    QVERIFY(job.start(m_large.snapshot(), Format::Hexdump, path));
    job.cancel(); // before the first block: the worker stops at once
    QVERIFY(finished.wait(100'000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(finished.first().at(2).toBool(), true);
    const QString message = finished.first().at(1).toString();
    QVERIFY2(message.contains(QLatin1String("cancelled")) && message.contains(path), qPrintable(message));
    QCOMPARE(readFile(path), old);
    QCOMPARE(QFileInfo(path).permissions() & QFileDevice::ReadGroup, QFileDevice::ReadGroup);
    QCOMPARE(job.bytesWritten(), qint64(0));
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("old.txt")});

    // The job can run again after a cancel.
    QVERIFY(job.start(m_large.snapshot(), Format::Raw, path));
    QVERIFY(finished.wait(100'000));
    QVERIFY(finished.last().at(0).toBool());
    QCOMPARE(QFileInfo(path).size(), m_large.totalBytes(Direction::Received));
}

void tst_TranscriptSaveJob::destroyingARunningJobKeepsTheOldFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("old.jsonl"));
    const QByteArray old = "old\n";
    QVERIFY(writeFile(path, old));
    {
        TranscriptSaveJob job;
        QVERIFY(job.start(m_large.snapshot(), Format::Jsonl, path));
        QSignalSpy progress(&job, &TranscriptSaveJob::progress);
        QVERIFY(progress.wait(100'000)); // it is writing
        // Going out of scope: cancels and waits.
    }
    // Either the save was stopped (the old file stays) or it had finished:
    // never a partial file, never a temporary one left.
    const QByteArray now = readFile(path);
    if (now != old) {
        HashDevice expected;
        QString error;
        QVERIFY(TranscriptIO::write(m_large.snapshot(), Format::Jsonl, &expected, &error));
        QCOMPARE(fileHash(path), expected.result());
    }
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("old.jsonl")});
}

void tst_TranscriptSaveJob::failureIsReported()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("no-such-folder/t.txt"));
    TranscriptSaveJob job;
    QSignalSpy finished(&job, &TranscriptSaveJob::finished);
    QVERIFY(job.start(m_large.snapshot(), Format::Text, path));
    QVERIFY(finished.wait());
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(finished.first().at(2).toBool(), false);
    const QString message = finished.first().at(1).toString();
    QVERIFY2(message.startsWith(QStringLiteral("Cannot save %1: ").arg(path)), qPrintable(message));
    QVERIFY(!QFile::exists(path));
}

void tst_TranscriptSaveJob::oneSaveAtATime()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TranscriptSaveJob job;
    QSignalSpy finished(&job, &TranscriptSaveJob::finished);
    QVERIFY(job.start(m_large.snapshot(), Format::Raw, dir.filePath(QStringLiteral("a.bin"))));
    QVERIFY(!job.start(m_large.snapshot(), Format::Raw, dir.filePath(QStringLiteral("b.bin"))));
    QCOMPARE(job.path(), dir.filePath(QStringLiteral("a.bin")));
    QVERIFY(finished.wait(100'000));
    QCOMPARE(finished.count(), 1);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("a.bin"))));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("b.bin"))));
}

QTEST_GUILESS_MAIN(tst_TranscriptSaveJob)
#include "tst_transcriptsavejob.moc"
