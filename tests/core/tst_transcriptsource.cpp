// Datagram sources in transcripts: kept by the transcript, written by every
// export, read back from JSONL strictly, and absent from older files.
#include <QBuffer>
#include <QFile>
#include <QTest>

#include "transcript.h"
#include "transcriptio.h"
#include "transcripttext.h"

namespace {

// A UDP-like transcript: one datagram out, two in from different sources.
void fill(Transcript &transcript)
{
    transcript.setPeer(QStringLiteral("::1"), 5353);
    transcript.setStartTime(QDateTime(QDate(2026, 11, 25), QTime(17, 4, 32, 123), Qt::UTC));
    const qint64 start = transcript.startTime().toMSecsSinceEpoch();
    transcript.appendEventAt(TranscriptEvent::bound(), QStringLiteral("[::]:40000"), 1, start + 1);
    transcript.appendDataAt(Transcript::Direction::Sent, "query", 2, start + 2);
    transcript.appendDataAt(Transcript::Direction::Received, "answer\n", 3, start + 3, QStringLiteral("[::1]:5353"));
    transcript.appendDataAt(Transcript::Direction::Received, "other", 4, start + 4, QStringLiteral("[::1]:6000"));
}

QByteArray render(const Transcript &transcript, TranscriptIO::Format format)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!TranscriptIO::write(transcript, format, &buffer, &error))
        return QByteArray("write failed: ") + error.toUtf8();
    return buffer.data();
}

} // namespace

class TestTranscriptSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kept();
    void textShowsSource();
    void hexdumpShowsSource();
    void jsonlRoundTrip();
    void jsonlWithoutSourceStillReads();
    void jsonlSourceMustBeAString();
    void eventsReadWell_data();
    void eventsReadWell();
};

void TestTranscriptSource::kept()
{
    Transcript transcript;
    fill(transcript);
    QCOMPARE(transcript.entry(1).source, QString());
    QCOMPARE(transcript.entry(2).source, QStringLiteral("[::1]:5353"));
    QCOMPARE(transcript.entry(3).source, QStringLiteral("[::1]:6000"));
    QCOMPARE(transcript.entry(0).source, QString()); // events have none
}

void TestTranscriptSource::textShowsSource()
{
    Transcript transcript;
    fill(transcript);
    const QByteArray text = render(transcript, TranscriptIO::Format::Text);
    QVERIFY2(text.contains("] > query\n"), text.constData());
    QVERIFY2(text.contains("] <([::1]:5353) answer\\n\n"), text.constData());
    QVERIFY2(text.contains("] <([::1]:6000) other\n"), text.constData());
    QVERIFY2(text.contains("] * bound to [::]:40000\n"), text.constData());
    // The view renders the same lines.
    QCOMPARE(TranscriptText::entryLines(transcript.entry(3), transcript.data(3), false),
             QStringList{QStringLiteral("<([::1]:6000) other")});
}

void TestTranscriptSource::hexdumpShowsSource()
{
    Transcript transcript;
    fill(transcript);
    const QByteArray dump = render(transcript, TranscriptIO::Format::Hexdump);
    QVERIFY2(dump.contains(" offset 0, 7 bytes from [::1]:5353\n00000000  61 6e 73"), dump.constData());
    QVERIFY2(dump.contains(" offset 0, 5 bytes\n00000000  71 75"), dump.constData()); // sent: no source
}

void TestTranscriptSource::jsonlRoundTrip()
{
    Transcript transcript;
    fill(transcript);
    const QByteArray jsonl = render(transcript, TranscriptIO::Format::Jsonl);
    QVERIFY2(jsonl.contains(",\"data\":\"YW5zd2VyCg==\",\"from\":\"[::1]:5353\"}\n"), jsonl.constData());
    QVERIFY2(!jsonl.contains("\"from\":\"\""), jsonl.constData());

    QBuffer buffer;
    buffer.setData(jsonl);
    buffer.open(QIODevice::ReadOnly);
    Transcript read;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::readJsonl(&buffer, &read, &error), qPrintable(error.toString()));
    QCOMPARE(read.entryCount(), transcript.entryCount());
    for (qint64 i = 0; i < transcript.entryCount(); ++i)
        QCOMPARE(read.entry(i).source, transcript.entry(i).source);
    QCOMPARE(render(read, TranscriptIO::Format::Jsonl), jsonl);
}

void TestTranscriptSource::jsonlWithoutSourceStillReads()
{
    QFile golden(QStringLiteral(SOCKETEER_TEST_DATA "/golden-transcript.jsonl"));
    QVERIFY(golden.open(QIODevice::ReadOnly));
    Transcript read;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::readJsonl(&golden, &read, &error), qPrintable(error.toString()));
    QVERIFY(read.hasData());
    for (qint64 i = 0; i < read.entryCount(); ++i)
        QCOMPARE(read.entry(i).source, QString());
}

void TestTranscriptSource::jsonlSourceMustBeAString()
{
    const QByteArray jsonl =
        "{\"type\":\"header\",\"format\":\"socketeer-transcript\",\"version\":1,\"host\":\"h\",\"port\":1,"
        "\"start\":\"2026-11-25T17:04:32.123Z\"}\n"
        "{\"type\":\"data\",\"dir\":\"recv\",\"t_ms\":1,\"time\":\"2026-11-25T17:04:32.124Z\",\"offset\":0,"
        "\"data\":\"eA==\",\"from\":5353}\n";
    QBuffer buffer;
    buffer.setData(jsonl);
    buffer.open(QIODevice::ReadOnly);
    Transcript read;
    TranscriptIO::ReadError error;
    QVERIFY(!TranscriptIO::readJsonl(&buffer, &read, &error));
    QCOMPARE(error.line, 2);
    QCOMPARE(error.message, QStringLiteral("field \"from\" must be a string"));
}

void TestTranscriptSource::eventsReadWell_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("text");
    QTest::newRow("proxy") << TranscriptEvent::proxy() << QStringLiteral("socks5://alice@127.0.0.1:1080")
                           << QStringLiteral("through proxy socks5://alice@127.0.0.1:1080");
    QTest::newRow("bound") << TranscriptEvent::bound() << QStringLiteral("127.0.0.1:4000")
                           << QStringLiteral("bound to 127.0.0.1:4000");
    QTest::newRow("half_closed") << TranscriptEvent::halfClosed() << QString() << QStringLiteral("sending side closed");
    QTest::newRow("send_failed") << TranscriptEvent::sendFailed() << QStringLiteral("too large")
                                 << QStringLiteral("not sent: too large");
}

void TestTranscriptSource::eventsReadWell()
{
    QFETCH(QString, name);
    QFETCH(QString, detail);
    QFETCH(QString, text);
    QCOMPARE(TranscriptText::describeEvent(name, detail), text);
}

QTEST_GUILESS_MAIN(TestTranscriptSource)
#include "tst_transcriptsource.moc"
