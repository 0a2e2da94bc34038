// TranscriptWindow: a saved JSONL transcript opens read-only in its own
// window; a damaged one names its line and opens nothing.
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "mainwindow.h"
#include "transcript.h"
#include "transcriptview.h"
#include "transcriptwindow.h"

class TranscriptWindowTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void opensAGoodFile();
    void showsWhatTheTextExportWrites();
    void damagedFileNamesTheLineAndOpensNothing_data();
    void damagedFileNamesTheLineAndOpensNothing();
    void mainWindowOpensIntoANewWindow();
    void mainWindowReportsADamagedFile();
    void saveAsExportsInAnotherFormat();
    void isReadOnly();

private:
    static QString golden(const QString &suffix)
    {
        return QStringLiteral(SOCKETEER_TEST_DATA "/golden-transcript.") + suffix;
    }
    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    static QList<TranscriptWindow *> transcriptWindows()
    {
        QList<TranscriptWindow *> windows;
        const QWidgetList all = QApplication::topLevelWidgets();
        for (QWidget *w : all) {
            if (auto *tw = qobject_cast<TranscriptWindow *>(w))
                windows.append(tw);
        }
        return windows;
    }

    QTemporaryDir m_dir;
};

void TranscriptWindowTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<TranscriptWindow *>();
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(golden(QStringLiteral("jsonl"))));
}

void TranscriptWindowTest::cleanup()
{
    qDeleteAll(transcriptWindows());
}

void TranscriptWindowTest::opensAGoodFile()
{
    FakeDialogs dialogs;
    QString error;
    std::unique_ptr<TranscriptWindow> window(
        TranscriptWindow::openFile(golden(QStringLiteral("jsonl")), &dialogs, nullptr, nullptr, &error));
    QVERIFY2(window, qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(window->windowTitle().contains(QStringLiteral("golden-transcript.jsonl")));
    QCOMPARE(window->transcript()->host(), QStringLiteral("example.org"));
    QCOMPARE(window->transcript()->port(), quint16(80));
    QVERIFY(!window->transcript()->isModified());

    window->show();
    QTRY_VERIFY(!window->view()->hasPending());
    const QString text = window->view()->toPlainText();
    QVERIFY(text.contains(QStringLiteral("> GET / HTTP/1.0\\r\\n")));
    QVERIFY(text.contains(QStringLiteral("< HTTP/1.0 200 OK\\r\\n")));
    QVERIFY(text.contains(QStringLiteral("* closed by peer")));
    QCOMPARE(window->view()->accessibleName(), QStringLiteral("Transcript"));
    QCOMPARE(dialogs.errors, QStringList());
}

void TranscriptWindowTest::showsWhatTheTextExportWrites()
{
    FakeDialogs dialogs;
    QString error;
    std::unique_ptr<TranscriptWindow> window(
        TranscriptWindow::openFile(golden(QStringLiteral("jsonl")), &dialogs, nullptr, nullptr, &error));
    QVERIFY2(window, qPrintable(error));
    QAction *timestamps = nullptr;
    for (QAction *action : window->findChildren<QAction *>()) {
        if (action->isCheckable() && action->text().contains(QStringLiteral("Timestamps")))
            timestamps = action;
    }
    QVERIFY(timestamps);
    timestamps->setChecked(true);
    window->view()->flush();

    QStringList expected = QString::fromUtf8(readAll(golden(QStringLiteral("txt")))).split(QLatin1Char('\n'));
    expected.removeFirst();                   // "# Socketeer transcript of ..."
    QCOMPARE(expected.takeLast(), QString()); // after the last newline
    QCOMPARE(window->view()->toPlainText().split(QLatin1Char('\n')), expected);
}

void TranscriptWindowTest::damagedFileNamesTheLineAndOpensNothing_data()
{
    QTest::addColumn<int>("line");
    QTest::addColumn<QByteArray>("replacement");
    QTest::newRow("not json") << 5 << QByteArray("{\"data\":");
    QTest::newRow("bad base64") << 6 << QByteArray(R"({"data":"!!!","dir":"recv","offset":0,"t_ms":120,"time":"2026-11-25T17:04:32.243Z","type":"data"})");
    QTest::newRow("bad header") << 1 << QByteArray(R"({"type":"header","format":"something-else"})");
}

void TranscriptWindowTest::damagedFileNamesTheLineAndOpensNothing()
{
    QFETCH(int, line);
    QFETCH(QByteArray, replacement);
    QList<QByteArray> lines = readAll(golden(QStringLiteral("jsonl"))).split('\n');
    lines[line - 1] = replacement;
    const QString path = m_dir.filePath(QStringLiteral("damaged-%1.jsonl").arg(line));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(lines.join('\n'));
    file.close();

    FakeDialogs dialogs;
    QString error;
    TranscriptWindow *window = TranscriptWindow::openFile(path, &dialogs, nullptr, nullptr, &error);
    QVERIFY(!window);
    QVERIFY2(error.contains(QStringLiteral("line %1").arg(line)), qPrintable(error));
    QVERIFY(transcriptWindows().isEmpty());
}

void TranscriptWindowTest::mainWindowOpensIntoANewWindow()
{
    AppSettings settings(m_dir.filePath(QStringLiteral("open.ini")));
    FakeDialogs dialogs;
    MainWindow main(&settings, &dialogs);
    dialogs.openChoices.enqueue(golden(QStringLiteral("jsonl")));
    TranscriptWindow *opened = main.openTranscript();
    QVERIFY(opened);
    QCOMPARE(transcriptWindows(), QList<TranscriptWindow *>{opened});
    QVERIFY(opened->isVisible());
    QVERIFY(opened->isWindow());
    QVERIFY(!opened->testAttribute(Qt::WA_QuitOnClose));
    QTRY_VERIFY(opened->view()->toPlainText().contains(QStringLiteral("HTTP/1.0 200 OK")));
    QCOMPARE(dialogs.openDialogs, 1);
    QCOMPARE(dialogs.errors, QStringList());
    // The main window's own transcript is untouched.
    QVERIFY(!main.transcript());

    QSignalSpy destroyed(opened, &QObject::destroyed);
    opened->close();
    QTRY_COMPARE(destroyed.count(), 1); // WA_DeleteOnClose
}

void TranscriptWindowTest::mainWindowReportsADamagedFile()
{
    const QString path = m_dir.filePath(QStringLiteral("truncated.jsonl"));
    QList<QByteArray> lines = readAll(golden(QStringLiteral("jsonl"))).split('\n');
    lines[3] = "{\"type\":\"event\"";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(lines.join('\n'));
    file.close();

    AppSettings settings(m_dir.filePath(QStringLiteral("damaged.ini")));
    FakeDialogs dialogs;
    MainWindow main(&settings, &dialogs);
    QSignalSpy opened(&main, &MainWindow::transcriptWindowOpened);
    dialogs.openChoices.enqueue(path);
    QVERIFY(!main.openTranscript());
    QCOMPARE(dialogs.errors.size(), 1);
    QVERIFY2(dialogs.errors.first().contains(QStringLiteral("line 4")), qPrintable(dialogs.errors.first()));
    QVERIFY(dialogs.errors.first().contains(QStringLiteral("truncated.jsonl")));
    QCOMPARE(opened.count(), 0);
    QVERIFY(transcriptWindows().isEmpty());
}

void TranscriptWindowTest::saveAsExportsInAnotherFormat()
{
    FakeDialogs dialogs;
    QString error;
    std::unique_ptr<TranscriptWindow> window(
        TranscriptWindow::openFile(golden(QStringLiteral("jsonl")), &dialogs, nullptr, nullptr, &error));
    QVERIFY2(window, qPrintable(error));

    // Text: byte for byte the golden text export.
    const QString textPath = m_dir.filePath(QStringLiteral("export"));
    dialogs.saveChoices.enqueue(
        Dialogs::FileChoice{textPath, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
    window->saveAs();
    QCOMPARE(dialogs.errors, QStringList());
    QCOMPARE(readAll(textPath + QStringLiteral(".txt")), readAll(golden(QStringLiteral("txt"))));

    // Hexdump: the golden hexdump.
    const QString hexPath = m_dir.filePath(QStringLiteral("export.hex"));
    dialogs.saveChoices.enqueue(
        Dialogs::FileChoice{hexPath, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Hexdump)});
    window->saveAs();
    QCOMPARE(readAll(hexPath), readAll(golden(QStringLiteral("hex"))));
    QCOMPARE(QFile::permissions(hexPath) & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
}

void TranscriptWindowTest::isReadOnly()
{
    FakeDialogs dialogs;
    QString error;
    std::unique_ptr<TranscriptWindow> window(
        TranscriptWindow::openFile(golden(QStringLiteral("jsonl")), &dialogs, nullptr, nullptr, &error));
    QVERIFY2(window, qPrintable(error));
    window->show();
    window->view()->flush();
    const QString before = window->view()->toPlainText();
    window->view()->setFocus();
    QTest::keyClicks(window->view(), QStringLiteral("typed"));
    QCOMPARE(window->view()->toPlainText(), before);
    QVERIFY(window->view()->isReadOnly());
}

QTEST_MAIN(TranscriptWindowTest)
#include "tst_transcriptwindow.moc"
