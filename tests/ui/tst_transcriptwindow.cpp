// TranscriptWindow: a saved JSONL transcript opens read-only in its own
// window, through the main window's File > Open; a damaged one names its
// line and opens nothing.
#include <QAction>
#include <QClipboard>
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QPointer>
#include <QProgressBar>
#include <QToolButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "largecopycheck.h"
#include "mainwindow.h"
#include "session.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcriptio.h"
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
    void followsTheTimestampAndWrapSettings();
    void editMenuCopiesAndSelectsAll();
    void largeCopyShowsProgressInTheStatusBar();
    void saveAsTypedExtensionWins();
    void closeAndQuitShortcuts();
    void quitFromHereAsksInTheMainWindow();
    void statusNamesThePeer_data();
    void statusNamesThePeer();

private:
    // A main window and what it needs, to open files through it.
    struct Main {
        explicit Main(const QString &settingsPath)
            : settings(settingsPath)
            , window(&settings, &dialogs)
        {
            // Unsaved data is asked about with autosave off (see tst_historycontrol).
            settings.setAutosave(false);
        }
        AppSettings settings;
        FakeDialogs dialogs;
        MainWindow window;
    };
    std::unique_ptr<Main> makeMain()
    {
        return std::make_unique<Main>(m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_mains)));
    }
    // Opens `path` as a person would (File > Open); null if refused.
    static TranscriptWindow *open(Main &main, const QString &path)
    {
        return openThrough(main.window, main.dialogs, path);
    }
    // File > Open reads in the background: waits for the window or the error.
    static TranscriptWindow *openThrough(MainWindow &window, FakeDialogs &dialogs, const QString &path)
    {
        dialogs.openChoices.enqueue(path);
        QSignalSpy opened(&window, &MainWindow::transcriptWindowOpened);
        const qsizetype errors = dialogs.errors.size();
        if (!window.openTranscript())
            return nullptr;
        if (!QTest::qWaitFor([&] { return !opened.isEmpty() || dialogs.errors.size() > errors; }, 30000))
            return nullptr;
        return opened.isEmpty() ? nullptr : opened.first().first().value<TranscriptWindow *>();
    }

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
    int m_mains = 0;
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
    auto main = makeMain();
    TranscriptWindow *window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);
    QVERIFY(window->windowTitle().contains(QStringLiteral("golden-transcript.jsonl")));
    QCOMPARE(window->transcript()->host(), QStringLiteral("example.org"));
    QCOMPARE(window->transcript()->port(), quint16(80));
    QVERIFY(!window->transcript()->isModified());

    QTRY_VERIFY(!window->view()->hasPending());
    const QString text = window->view()->allText();
    QVERIFY(text.contains(QStringLiteral("> GET / HTTP/1.0\\r\\n")));
    QVERIFY(text.contains(QStringLiteral("< HTTP/1.0 200 OK\\r\\n")));
    QVERIFY(text.contains(QStringLiteral("* closed by peer")));
    QCOMPARE(window->view()->accessibleName(), QStringLiteral("Transcript"));
    QCOMPARE(main->dialogs.errors, QStringList());
}

void TranscriptWindowTest::showsWhatTheTextExportWrites()
{
    auto main = makeMain();
    TranscriptWindow *window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);
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
    QCOMPARE(window->view()->allText().split(QLatin1Char('\n')), expected);
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

    auto main = makeMain();
    QVERIFY(!open(*main, path));
    QCOMPARE(main->dialogs.errors.size(), 1);
    const QString error = main->dialogs.errors.first();
    QVERIFY2(error.contains(QStringLiteral("line %1").arg(line)), qPrintable(error));
    QCOMPARE(error.count(QStringLiteral("damaged-%1.jsonl").arg(line)), 1);
    QVERIFY(transcriptWindows().isEmpty());
}

void TranscriptWindowTest::mainWindowOpensIntoANewWindow()
{
    AppSettings settings(m_dir.filePath(QStringLiteral("open.ini")));
    FakeDialogs dialogs;
    MainWindow main(&settings, &dialogs);
    TranscriptWindow *opened = openThrough(main, dialogs, golden(QStringLiteral("jsonl")));
    QVERIFY(opened);
    QCOMPARE(transcriptWindows(), QList<TranscriptWindow *>{opened});
    QVERIFY(opened->isVisible());
    QVERIFY(opened->isWindow());
    QVERIFY(!opened->testAttribute(Qt::WA_QuitOnClose));
    QTRY_VERIFY(opened->view()->allText().contains(QStringLiteral("HTTP/1.0 200 OK")));
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
    QVERIFY(!openThrough(main, dialogs, path));
    QCOMPARE(dialogs.errors.size(), 1);
    QVERIFY2(dialogs.errors.first().contains(QStringLiteral("line 4")), qPrintable(dialogs.errors.first()));
    QVERIFY(dialogs.errors.first().contains(QStringLiteral("truncated.jsonl")));
    QCOMPARE(opened.count(), 0);
    QVERIFY(transcriptWindows().isEmpty());
}

void TranscriptWindowTest::saveAsExportsInAnotherFormat()
{
    auto main = makeMain();
    FakeDialogs &dialogs = main->dialogs;
    TranscriptWindow *window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);

    // Text: byte for byte the golden text export.
    const QString textPath = m_dir.filePath(QStringLiteral("export"));
    dialogs.saveChoices.enqueue(
        Dialogs::FileChoice{textPath, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
    window->saveAs();
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(dialogs.errors, QStringList());
    QCOMPARE(readAll(textPath + QStringLiteral(".txt")), readAll(golden(QStringLiteral("txt"))));

    // Hexdump: the golden hexdump.
    const QString hexPath = m_dir.filePath(QStringLiteral("export.hex"));
    dialogs.saveChoices.enqueue(
        Dialogs::FileChoice{hexPath, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Hexdump)});
    window->saveAs();
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(readAll(hexPath), readAll(golden(QStringLiteral("hex"))));
    QCOMPARE(QFile::permissions(hexPath) & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
}

void TranscriptWindowTest::isReadOnly()
{
    auto main = makeMain();
    TranscriptWindow *window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);
    window->view()->flush();
    const QString before = window->view()->allText();
    window->view()->setFocus();
    QTest::keyClicks(window->view(), QStringLiteral("typed"));
    QCOMPARE(window->view()->allText(), before);
    QVERIFY(window->view()->isReadOnly());
}

void TranscriptWindowTest::followsTheTimestampAndWrapSettings()
{
    auto main = makeMain();
    main->settings.setShowTimestamps(true);
    main->settings.setWrapLines(true); // both off by default
    TranscriptWindow *first = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(first);
    QVERIFY(first->view()->showTimestamps());
    QVERIFY(first->view()->wrapLines());
    QVERIFY(first->view()->timestampsAction()->isChecked());
    QVERIFY(first->view()->wrapAction()->isChecked());
    first->view()->flush();
    QVERIFY(first->view()->allText().startsWith(QStringLiteral("[+")));
    QVERIFY(!first->view()->showHex());
    main->settings.setShowHex(true);
    TranscriptWindow *hex = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(hex);
    QVERIFY(hex->view()->showHex());
    main->settings.setShowHex(false);

    // As changed in the main window since, without closing it.
    main->settings.setShowTimestamps(false);
    main->settings.setWrapLines(false);
    TranscriptView *mainView = main->window.transcriptView();
    QVERIFY(!mainView->showTimestamps()); // as loaded
    QVERIFY(!mainView->wrapLines());
    mainView->timestampsAction()->setChecked(true);
    mainView->wrapAction()->setChecked(true);
    TranscriptWindow *second = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(second);
    QVERIFY(second->view()->showTimestamps());
    QVERIFY(second->view()->wrapLines());
}

void TranscriptWindowTest::editMenuCopiesAndSelectsAll()
{
    auto main = makeMain();
    TranscriptWindow *window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);
    window->view()->flush();
    QMenu *edit = nullptr;
    for (QAction *menuAction : window->menuBar()->actions()) {
        if (menuAction->text() == QStringLiteral("&Edit"))
            edit = menuAction->menu();
    }
    QVERIFY(edit);
    QAction *copy = window->view()->copyAction();
    QAction *selectAll = window->view()->selectAllAction();
    QVERIFY(edit->actions().contains(copy));
    QVERIFY(edit->actions().contains(selectAll));
    QCOMPARE(copy->shortcut(), QKeySequence(QKeySequence::Copy));
    QCOMPARE(selectAll->shortcut(), QKeySequence(QKeySequence::SelectAll));

    QVERIFY(!copy->isEnabled()); // nothing selected
    selectAll->trigger();
    QCOMPARE(window->view()->selectedText().size(), window->view()->allText().size());
    QVERIFY(copy->isEnabled());
    QGuiApplication::clipboard()->clear();
    copy->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), window->view()->allText());
}

void TranscriptWindowTest::largeCopyShowsProgressInTheStatusBar()
{
    FakeDialogs dialogs;
    auto window = std::make_unique<TranscriptWindow>(std::make_shared<Transcript>(), QStringLiteral("test.jsonl"),
                                                     &dialogs, nullptr);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    checkLargeCopyInStatusBar(window.get(), window->view(), dialogs);
}

void TranscriptWindowTest::saveAsTypedExtensionWins()
{
    // "Text transcript" selected, a .hex name typed: a hexdump, as the
    // command line would write.
    auto main = makeMain();
    TranscriptWindow *window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);
    const QString hexPath = m_dir.filePath(QStringLiteral("typed.hex"));
    main->dialogs.saveChoices.enqueue(
        Dialogs::FileChoice{hexPath, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
    window->saveAs();
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(main->dialogs.errors, QStringList());
    QCOMPARE(readAll(hexPath), readAll(golden(QStringLiteral("hex"))));
    QVERIFY(!QFile::exists(hexPath + QStringLiteral(".txt")));
    // And the next Save As preselects it.
    main->dialogs.saveChoices.enqueue(std::nullopt);
    window->saveAs();
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(main->dialogs.saveFilterPreselected, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Hexdump));
}

void TranscriptWindowTest::closeAndQuitShortcuts()
{
    auto main = makeMain();
    main->window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&main->window));

    // Ctrl+W (Close) closes this window only.
    QPointer<TranscriptWindow> first = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(first);
    first->activateWindow();
    QTRY_COMPARE(QApplication::activeWindow(), first.data());
    QTest::keyClick(first->view(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(!first); // deletes itself
    QVERIFY(main->window.isVisible());

    // Quit is the main window's own action, in the File menu and on Ctrl+Q:
    // it closes the main window (which asks there about unsaved data).
    QPointer<TranscriptWindow> second = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(second);
    QAction *mainQuit = nullptr;
    for (QAction *action : main->window.findChildren<QAction *>()) {
        if (action->text() == QStringLiteral("&Quit"))
            mainQuit = action;
    }
    QVERIFY(mainQuit);
    QVERIFY(mainQuit->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Q)));
    QMenu *file = nullptr;
    for (QAction *menuAction : second->menuBar()->actions()) {
        if (menuAction->text() == QStringLiteral("&File"))
            file = menuAction->menu();
    }
    QVERIFY(file);
    QVERIFY(file->actions().contains(mainQuit));
    second->activateWindow();
    QTRY_COMPARE(QApplication::activeWindow(), second.data());
    QSignalSpy quit(mainQuit, &QAction::triggered);
    QTest::keyClick(second->view(), Qt::Key_Q, Qt::ControlModifier);
    QCOMPARE(quit.count(), 1);
    QTRY_VERIFY(!main->window.isVisible()); // nothing unsaved: no question
    QCOMPARE(main->dialogs.unexpected, 0);
}

void TranscriptWindowTest::quitFromHereAsksInTheMainWindow()
{
    // Unsaved data in the main window: Ctrl+Q here asks there, and Cancel
    // keeps both windows.
    TestSupport::LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("hello\r\n");
    auto main = makeMain();
    main->window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&main->window));
    main->window.setEndpoint(QStringLiteral("127.0.0.1"), server.serverPort());
    QVERIFY(main->window.connectToHost());
    QTRY_COMPARE(main->window.session()->bytesReceived(), qint64(7));
    main->window.disconnectFromHost();
    QTRY_COMPARE(main->window.session()->state(), Session::State::Closed);

    QPointer<TranscriptWindow> window = open(*main, golden(QStringLiteral("jsonl")));
    QVERIFY(window);
    window->activateWindow();
    QTRY_COMPARE(QApplication::activeWindow(), window.data());
    main->dialogs.unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QTest::keyClick(window->view(), Qt::Key_Q, Qt::ControlModifier);
    QCOMPARE(main->dialogs.unsavedQuestions, QStringList{QStringLiteral("Save it before quitting?")});
    QVERIFY(main->window.isVisible());
    QVERIFY(window && window->isVisible());

    main->dialogs.unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QTest::keyClick(window->view(), Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY(!main->window.isVisible());
    QCOMPARE(main->dialogs.unsavedQuestions.size(), 2);
    QCOMPARE(main->dialogs.unexpected, 0);
}

void TranscriptWindowTest::statusNamesThePeer_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("shown");
    QTest::newRow("name") << QStringLiteral("example.org") << QStringLiteral("example.org:80, 2 entries");
    QTest::newRow("ipv4") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1:80, 2 entries");
    QTest::newRow("ipv6") << QStringLiteral("::1") << QStringLiteral("[::1]:80, 2 entries");
}

void TranscriptWindowTest::statusNamesThePeer()
{
    QFETCH(QString, host);
    QFETCH(QString, shown);
    Transcript transcript;
    transcript.setPeer(host, 80);
    transcript.start();
    transcript.appendEvent(TranscriptEvent::connecting(), host);
    transcript.appendData(Transcript::Direction::Received, "hi");
    const QString path = m_dir.filePath(QStringLiteral("peer.jsonl"));
    QString error;
    QVERIFY2(TranscriptIO::save(transcript, TranscriptIO::Format::Jsonl, path, &error), qPrintable(error));

    auto main = makeMain();
    TranscriptWindow *window = open(*main, path);
    QVERIFY(window);
    QCOMPARE(window->statusBar()->currentMessage(), shown);
}

QTEST_MAIN(TranscriptWindowTest)
#include "tst_transcriptwindow.moc"
