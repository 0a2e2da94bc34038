// TranscriptFiles: which format and path a save dialog's answer becomes
// (the typed extension wins over the filter, as on the command line), and
// the format last saved is preselected next time.
#include <QTemporaryDir>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "transcript.h"
#include "transcriptfiles.h"
#include "transcriptio.h"

class TranscriptFilesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resolveTarget_data();
    void resolveTarget();
    void lastFormatIsPreselected();
};

void TranscriptFilesTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TranscriptFilesTest::resolveTarget_data()
{
    using F = TranscriptIO::Format;
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("path");
    QTest::addColumn<TranscriptIO::Format>("format");

    const auto filter = [](F format) { return TranscriptIO::fileDialogFilter(format); };
    // A known extension wins over the filter.
    QTest::newRow("hex under text filter") << "/d/demo2.hex" << filter(F::Text) << "/d/demo2.hex" << F::Hexdump;
    QTest::newRow("jsonl under raw filter") << "/d/a.jsonl" << filter(F::Raw) << "/d/a.jsonl" << F::Jsonl;
    QTest::newRow("bin under hexdump filter") << "/d/a.bin" << filter(F::Hexdump) << "/d/a.bin" << F::Raw;
    QTest::newRow("log under jsonl filter") << "/d/a.log" << filter(F::Jsonl) << "/d/a.log" << F::Text;
    QTest::newRow("upper-case extension") << "/d/A.HEX" << filter(F::Text) << "/d/A.HEX" << F::Hexdump;
    QTest::newRow("extension, no filter") << "/d/a.raw" << QString() << "/d/a.raw" << F::Raw;
    // No known extension: the filter decides and adds its suffix.
    QTest::newRow("bare name, hexdump filter") << "/d/demo" << filter(F::Hexdump) << "/d/demo.hex" << F::Hexdump;
    QTest::newRow("bare name, jsonl filter") << "/d/demo" << filter(F::Jsonl) << "/d/demo.jsonl" << F::Jsonl;
    QTest::newRow("trailing dot") << "/d/demo." << filter(F::Raw) << "/d/demo.bin" << F::Raw;
    QTest::newRow("unknown extension") << "/d/host.example.org" << filter(F::Text) << "/d/host.example.org.txt"
                                       << F::Text;
    QTest::newRow("no filter, no extension") << "/d/demo" << QString() << "/d/demo.txt" << F::Text;
    QTest::newRow("unknown filter") << "/d/demo" << QStringLiteral("All files (*)") << "/d/demo.txt" << F::Text;
}

void TranscriptFilesTest::resolveTarget()
{
    QFETCH(QString, typed);
    QFETCH(QString, filter);
    QFETCH(QString, path);
    QFETCH(TranscriptIO::Format, format);
    const TranscriptFiles::Target target = TranscriptFiles::resolveTarget(typed, filter);
    QCOMPARE(target.path, path);
    QCOMPARE(target.format, format);
}

void TranscriptFilesTest::lastFormatIsPreselected()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString settingsPath = dir.filePath(QStringLiteral("settings.ini"));
    const auto transcript = std::make_shared<Transcript>();
    transcript->setPeer(QStringLiteral("127.0.0.1"), 7);
    transcript->start();
    transcript->appendData(Transcript::Direction::Received, "hello\r\n");

    {
        AppSettings settings(settingsPath);
        FakeDialogs dialogs;
        TranscriptFiles files(&dialogs, &settings);
        // Nothing remembered: text.
        dialogs.saveChoices.enqueue(Dialogs::FileChoice{
            dir.filePath(QStringLiteral("demo2.hex")), TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
        QCOMPARE(files.saveAs(nullptr, transcript), dir.filePath(QStringLiteral("demo2.hex")));
        QVERIFY(files.waitForSave());
        QCOMPARE(dialogs.saveFilterPreselected, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text));
        QVERIFY(dialogs.saveSuggestedPath.endsWith(QStringLiteral(".txt")));
        QVERIFY(QFile(dir.filePath(QStringLiteral("demo2.hex"))).open(QIODevice::ReadOnly));
        QCOMPARE(dialogs.errors, QStringList());
    }
    {
        // The format written (hexdump, from the name) is preselected next
        // time, also in a later run.
        AppSettings settings(settingsPath);
        QCOMPARE(settings.lastSaveFormat(), std::optional(TranscriptIO::Format::Hexdump));
        FakeDialogs dialogs;
        TranscriptFiles files(&dialogs, &settings);
        dialogs.saveChoices.enqueue(std::nullopt);
        QVERIFY(!files.saveAs(nullptr, transcript));
        QCOMPARE(dialogs.saveFilterPreselected, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Hexdump));
        QVERIFY2(dialogs.saveSuggestedPath.endsWith(QStringLiteral(".hex")), qPrintable(dialogs.saveSuggestedPath));
        QCOMPARE(dialogs.unexpected, 0);
    }
}

QTEST_MAIN(TranscriptFilesTest)
#include "tst_transcriptfiles.moc"
