// MainWindow end to end on loopback: typing, connecting, sending, seeing
// the reply; saving in every format through the injected dialogs; errors;
// invalid requests; unsaved-transcript questions; settings; accessibility.
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QComboBox>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include "accessibilityrecorder.h"
#include "appicon.h"
#include "appsettings.h"
#include "connectionbar.h"
#include "fakedialogs.h"
#include "largecopycheck.h"
#include "mainwindow.h"
#include "requesteditor.h"
#include "sessionstatus.h"
#include "standarddialogs.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcriptio.h"
#include "messagestatusbar.h"
#include "transcriptview.h"
#include "version.h"

using TestSupport::LoopbackServer;

class MainWindowTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void typeConnectSendAndSeeTheReply();
    void ctrlReturnSendsFromTheEditor();
    void sendShortcutWhileDisconnectedSaysWhy();
    void buttonsFollowTheSession();
    void buttonsAreTheActions();
    void connectAndDisconnectShortcuts();
    void returnInHostOrPortConnects_data();
    void returnInHostOrPortConnects();
    void disconnectStaysEnabledWhileClosing();
    void focusFollowsTheState();
    void statusBarShowsTheSession();
    void byteCountsUseBinaryUnits_data();
    void byteCountsUseBinaryUnits();
    void longMessagesAreElided();
    void ipv6EndpointsAreBracketed();
    void statusValuesAreInTheAccessibleNames();
    void errorsAreAnnounced();
    void errorDialogIsAnnounced();
    void saveInEachFormat_data();
    void saveInEachFormat();
    void saveKeepsATypedSuffix();
    void typedExtensionWinsOverTheFilter();
    void saveFailureIsReported();
    void refusedConnection();
    void hostNotFound();
    void timeoutShowsTheSessionsMessage();
    void invalidEscapeDisablesSend();
    void invalidHexDisablesSend();
    void invalidRequestMessageGoesWhenFixed();
    void requestErrorColourFollowsThePalette();
    void presetFillsTheHost();
    void reconnectWithUnsavedTranscriptAsks();
    void reconnectSaveAnswerSavesFirst();
    void clearAsksFirst();
    void closeAsksAndCanBeCancelled();
    void closeWhileConnectedSavesTheWholeConversation();
    void closeWhileConnectedCancelKeepsTheConnection();
    void quitQuestionSaysTheConnectionWillClose();
    void closeWithoutPromptNeverAsks();
    void settingsRememberedAcrossWindows();
    void wrapIsOffByDefault();
    void recentHostsAreKeptAndCapped();
    void settingsFileIsPrivate();
    void defaultSettingsUseTestPaths();
    void accessibleNamesAndInterfaces();
    void everyControlHasNameAndTooltip();
    void standardShortcuts();
    void mnemonicsAreUnique();
    void largeCopyShowsProgressInTheStatusBar();
    void aboutShowsVersions();
    void appIconHasEverySize();

private:
    std::unique_ptr<MainWindow> makeWindow(const QString &settingsName = QStringLiteral("settings.ini"));
    void typeEndpoint(MainWindow &window, const QString &host, quint16 port);
    void typeRequest(MainWindow &window, const QString &text);
    bool connectTo(MainWindow &window, LoopbackServer &server);
    void exchange(MainWindow &window, LoopbackServer &server);
    static QString statusMessage(MainWindow &window) { return window.statusBar()->currentMessage(); }
    // The permanent fields of the status bar.
    struct StatusLabels {
        QLabel *state, *remote, *bytes, *elapsed;
        bool found() const { return state && remote && bytes && elapsed; }
    };
    static StatusLabels statusLabels(MainWindow &window)
    {
        return {window.findChild<QLabel *>(QStringLiteral("statusState")),
                window.findChild<QLabel *>(QStringLiteral("statusRemote")),
                window.findChild<QLabel *>(QStringLiteral("statusBytes")),
                window.findChild<QLabel *>(QStringLiteral("statusElapsed"))};
    }
    static QString viewText(MainWindow &window)
    {
        window.transcriptView()->flush();
        return window.transcriptView()->allText();
    }
    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    FakeDialogs *m_dialogs = nullptr;
    std::unique_ptr<FakeDialogs> m_ownedDialogs;
};

void MainWindowTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // The offscreen platform's harmless propagateSizeHints warning aside,
    // a warning is a failure.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("^(?!This plugin does not support propagateSizeHints).*")));
}

void MainWindowTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_ownedDialogs = std::make_unique<FakeDialogs>();
    m_dialogs = m_ownedDialogs.get();
}

void MainWindowTest::cleanup()
{
    QCOMPARE(m_dialogs->unexpected, 0);
    m_settings.reset();
    m_dir.reset();
}

std::unique_ptr<MainWindow> MainWindowTest::makeWindow(const QString &settingsName)
{
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(settingsName));
    // The unsaved-data questions are asked with autosave off (see tst_historycontrol).
    m_settings->setAutosave(false);
    auto window = std::make_unique<MainWindow>(m_settings.get(), m_dialogs);
    window->show();
    window->activateWindow();
    if (!QTest::qWaitForWindowActive(window.get()))
        qWarning("window not active");
    return window;
}

void MainWindowTest::typeEndpoint(MainWindow &window, const QString &host, quint16 port)
{
    QLineEdit *hostEdit = window.connectionBar()->hostEdit();
    hostEdit->clear();
    QTest::keyClicks(hostEdit, host);
    QSpinBox *portBox = window.connectionBar()->portBox();
    portBox->selectAll();
    QTest::keyClicks(portBox, QString::number(port));
    QCOMPARE(window.connectionBar()->host(), host);
    QCOMPARE(portBox->value(), int(port));
}

void MainWindowTest::typeRequest(MainWindow &window, const QString &text)
{
    QPlainTextEdit *editor = window.requestEditor()->editor();
    editor->clear();
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(editor, Qt::Key_Return);
        QTest::keyClicks(editor, lines.at(i));
    }
    QCOMPARE(editor->toPlainText(), text);
}

bool MainWindowTest::connectTo(MainWindow &window, LoopbackServer &server)
{
    typeEndpoint(window, QStringLiteral("127.0.0.1"), server.serverPort());
    QTest::mouseClick(window.connectionBar()->connectButton(), Qt::LeftButton);
    return QTest::qWaitFor([&] { return window.session()->state() == Session::State::Connected; });
}

// Connect, receive a greeting, send "ping", get the echo, then disconnect.
void MainWindowTest::exchange(MainWindow &window, LoopbackServer &server)
{
    server.setGreeting("hello\r\n");
    server.setEcho(true);
    QVERIFY(connectTo(window, server));
    window.requestEditor()->setLineEnding(RequestCodec::LineEnding::LF);
    typeRequest(window, QStringLiteral("ping"));
    QTest::mouseClick(window.requestEditor()->sendButton(), Qt::LeftButton);
    QTRY_COMPARE(window.session()->bytesReceived(), qint64(11));
    QTest::mouseClick(window.connectionBar()->disconnectButton(), Qt::LeftButton);
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
}

void MainWindowTest::typeConnectSendAndSeeTheReply()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setEcho(true);
    auto window = makeWindow();

    typeEndpoint(*window, QStringLiteral("127.0.0.1"), server.serverPort());
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);

    window->requestEditor()->setLineEnding(RequestCodec::LineEnding::CRLF);
    QPlainTextEdit *editor = window->requestEditor()->editor();
    QTest::keyClicks(editor, QStringLiteral("hello"));
    QTest::keyClick(editor, Qt::Key_Return);
    QTest::keyClicks(editor, QStringLiteral("tab\\there"));
    QTRY_VERIFY(window->requestEditor()->sendButton()->isEnabled());
    QTest::mouseClick(window->requestEditor()->sendButton(), Qt::LeftButton);

    QTRY_COMPARE(server.receivedSoFar(), QByteArray("hello\r\ntab\there"));
    QTRY_VERIFY(window->transcriptView()->allText().contains(QStringLiteral("< tab\\there")));
    const QString text = viewText(*window);
    QVERIFY2(text.contains(QStringLiteral("> hello\\r\\n")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("< hello\\r\\n")));
    QVERIFY(text.contains(QStringLiteral("* connected to 127.0.0.1:%1").arg(server.serverPort())));
    QVERIFY(window->windowTitle().contains(QStringLiteral("127.0.0.1:%1").arg(server.serverPort())));
    QVERIFY(window->isWindowModified());
}

void MainWindowTest::ctrlReturnSendsFromTheEditor()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    window->requestEditor()->setLineEnding(RequestCodec::LineEnding::None);
    typeRequest(*window, QStringLiteral("one"));

    QPlainTextEdit *editor = window->requestEditor()->editor();
    editor->setFocus();
    QTRY_VERIFY(editor->hasFocus());
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE(server.receivedSoFar(), QByteArray("one"));
    QCOMPARE(editor->toPlainText(), QStringLiteral("one")); // no newline typed

    // Also from elsewhere in the window.
    window->transcriptView()->setFocus();
    QTest::keyClick(window->transcriptView(), Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE(server.receivedSoFar(), QByteArray("oneone"));
}

void MainWindowTest::sendShortcutWhileDisconnectedSaysWhy()
{
    auto window = makeWindow();
    typeRequest(*window, QStringLiteral("data"));
    QVERIFY(!window->requestEditor()->sendButton()->isEnabled());
    QPlainTextEdit *editor = window->requestEditor()->editor();
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY2(statusMessage(*window).contains(QStringLiteral("not connected"), Qt::CaseInsensitive),
             qPrintable(statusMessage(*window)));
    QCOMPARE(editor->toPlainText(), QStringLiteral("data"));
}

void MainWindowTest::buttonsFollowTheSession()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    ConnectionBar *bar = window->connectionBar();
    QAbstractButton *send = window->requestEditor()->sendButton();

    bar->hostEdit()->clear();
    QVERIFY(!bar->connectButton()->isEnabled()); // no host
    QVERIFY(!bar->disconnectButton()->isEnabled());
    QVERIFY(!send->isEnabled());

    typeRequest(*window, QStringLiteral("x"));
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), server.serverPort());
    QVERIFY(bar->connectButton()->isEnabled());
    QVERIFY(!bar->disconnectButton()->isEnabled());

    QTest::mouseClick(bar->connectButton(), Qt::LeftButton);
    QVERIFY(!bar->connectButton()->isEnabled()); // connecting
    QVERIFY(bar->disconnectButton()->isEnabled());
    QVERIFY(!bar->hostEdit()->isEnabled());
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    QVERIFY(!bar->connectButton()->isEnabled());
    QVERIFY(bar->disconnectButton()->isEnabled());
    QVERIFY(send->isEnabled());

    // The peer closes: back to connectable.
    QTRY_VERIFY(server.lastConnection());
    server.lastConnection()->disconnectFromHost();
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QVERIFY(bar->connectButton()->isEnabled());
    QVERIFY(!bar->disconnectButton()->isEnabled());
    QVERIFY(!send->isEnabled());
    QVERIFY(bar->hostEdit()->isEnabled());
    QVERIFY(statusMessage(*window).contains(QStringLiteral("closed by the peer")));
}

void MainWindowTest::buttonsAreTheActions()
{
    // One source for text, tooltip, shortcut and enablement: each button
    // shows the action that is also in the Connection menu.
    auto window = makeWindow();
    ConnectionBar *bar = window->connectionBar();
    RequestEditor *request = window->requestEditor();
    struct Pair {
        QToolButton *button;
        QAction *action;
        QString accessibleName;
    };
    const QList<Pair> pairs = {
        {bar->connectButton(), bar->connectAction(), QStringLiteral("Connect")},
        {bar->disconnectButton(), bar->disconnectAction(), QStringLiteral("Disconnect")},
        {request->sendButton(), request->sendAction(), QStringLiteral("Send")},
    };
    QMenu *connectionMenu = nullptr;
    for (QAction *menuAction : window->menuBar()->actions()) {
        if (menuAction->text() == QStringLiteral("Co&nnection"))
            connectionMenu = menuAction->menu();
    }
    QVERIFY(connectionMenu);
    for (const Pair &pair : pairs) {
        QCOMPARE(pair.button->defaultAction(), pair.action);
        QVERIFY(connectionMenu->actions().contains(pair.action));
        QCOMPARE(pair.button->accessibleName(), pair.accessibleName);
        QCOMPARE(pair.button->toolTip(), pair.action->toolTip());
        QVERIFY2(pair.action->toolTip().endsWith(
                     QStringLiteral("(%1)").arg(pair.action->shortcut().toString(QKeySequence::NativeText))),
                 qPrintable(pair.action->toolTip()));
        for (bool enabled : {true, false, true}) {
            pair.action->setEnabled(enabled);
            QCOMPARE(pair.button->isEnabled(), enabled);
        }
    }
    // The parts set the actions' state back from what they know.
    bar->setSessionState(Session::State::Idle);
    request->setSendAllowed(false);
    QVERIFY(!request->sendAction()->isEnabled());
    QVERIFY(!bar->disconnectAction()->isEnabled());
    QCOMPARE(bar->connectAction()->isEnabled(), !bar->host().isEmpty());
}

void MainWindowTest::connectAndDisconnectShortcuts()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), server.serverPort());
    QCOMPARE(window->connectionBar()->connectAction()->shortcut(), QKeySequence(Qt::Key_F5));
    QCOMPARE(window->connectionBar()->disconnectAction()->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F5));

    QTest::keyClick(window.get(), Qt::Key_F5);
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    // While connected, F5 says why it does nothing.
    QTest::keyClick(window.get(), Qt::Key_F5);
    QVERIFY2(statusMessage(*window).contains(QStringLiteral("disconnect first")), qPrintable(statusMessage(*window)));
    QCOMPARE(server.connectionCount(), 1);
    QTest::keyClick(window.get(), Qt::Key_F5, Qt::ShiftModifier);
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->session()->endReason(), Session::EndReason::ClosedByUser);
}

void MainWindowTest::disconnectStaysEnabledWhileClosing()
{
    // A peer that stops reading can hold an orderly close: Disconnect stays
    // available then, and drops the connection.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    QAction *disconnectAction = window->connectionBar()->disconnectAction();
    bool seenClosing = false;
    bool enabledWhileClosing = false;
    connect(window->session(), &Session::stateChanged, this, [&](Session::State state) {
        if (state != Session::State::Closing)
            return;
        seenClosing = true;
        enabledWhileClosing = disconnectAction->isEnabled() && window->connectionBar()->disconnectButton()->isEnabled();
        // The window's disconnect in Closing aborts.
        QTest::mouseClick(window->connectionBar()->disconnectButton(), Qt::LeftButton);
    });
    window->disconnectFromHost();
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QVERIFY(seenClosing);
    QVERIFY(enabledWhileClosing);
    QVERIFY(!disconnectAction->isEnabled());
}

void MainWindowTest::focusFollowsTheState()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), server.serverPort());
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    // Connected: the next thing to do is typing the request.
    QCOMPARE(window->focusWidget(), window->requestEditor()->editor());
    window->disconnectFromHost();
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->focusWidget(), window->requestEditor()->editor()); // a normal close moves nothing

    // Failed: back to the host, selected to be retyped.
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), TestSupport::closedPort());
    window->requestEditor()->editor()->setFocus();
    QVERIFY(window->connectToHost());
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->session()->endReason(), Session::EndReason::Error);
    QVERIFY(window->focusWidget() == window->connectionBar()->hostEdit()
            || window->focusWidget() == window->connectionBar()->hostCombo());
    QCOMPARE(window->connectionBar()->hostEdit()->selectedText(), QStringLiteral("127.0.0.1"));
}

void MainWindowTest::statusBarShowsTheSession()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("12345");
    auto window = makeWindow();
    const auto [state, remote, bytes, elapsed] = statusLabels(*window);
    QVERIFY(statusLabels(*window).found());

    QVERIFY(connectTo(*window, server));
    QCOMPARE(state->text(), Session::stateName(Session::State::Connected));
    QTRY_COMPARE(remote->text(), QStringLiteral("127.0.0.1:%1").arg(server.serverPort()));
    QTRY_VERIFY2(bytes->text().contains(QStringLiteral("In: 5 bytes")), qPrintable(bytes->text()));
    QVERIFY(bytes->text().contains(QStringLiteral("Out: 0 bytes")));
    // Ticking: whatever time passed on a loaded machine, in this format.
    const QRegularExpression hms(QStringLiteral("^\\d\\d:[0-5]\\d:[0-5]\\d$"));
    QVERIFY2(hms.match(elapsed->text()).hasMatch(), qPrintable(elapsed->text()));
    QCOMPARE(SessionStatus::formatElapsed(0), QStringLiteral("00:00:00"));
    QCOMPARE(SessionStatus::formatElapsed(3723999), QStringLiteral("01:02:03"));
}

void MainWindowTest::ipv6EndpointsAreBracketed()
{
    LoopbackServer server;
    if (!server.listenLocal(QHostAddress(QHostAddress::LocalHostIPv6)))
        QSKIP("no IPv6 loopback here");
    auto window = makeWindow();
    typeEndpoint(*window, QStringLiteral("::1"), server.serverPort());
    const QString endpoint = QStringLiteral("[::1]:%1").arg(server.serverPort());
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    // Before the connection is up, from the host typed...
    QCOMPARE(window->session()->state(), Session::State::Connecting);
    QCOMPARE(statusMessage(*window), QStringLiteral("Connecting to %1...").arg(endpoint));
    auto *remote = window->findChild<QLabel *>(QStringLiteral("statusRemote"));
    QVERIFY(remote);
    QCOMPARE(remote->text(), endpoint);
    // ...and once connected, from the peer's address.
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    QCOMPARE(remote->text(), endpoint);
    QCOMPARE(remote->accessibleName(), QStringLiteral("Remote: %1").arg(endpoint));
    QVERIFY(window->windowTitle().contains(endpoint));
}

void MainWindowTest::statusValuesAreInTheAccessibleNames()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("12345");
    auto window = makeWindow();
    const auto [state, remote, bytes, elapsed] = statusLabels(*window);
    QVERIFY(statusLabels(*window).found());
    QCOMPARE(state->accessibleName(), QStringLiteral("State: Idle"));
    QCOMPARE(remote->accessibleName(), QStringLiteral("Remote: Not connected"));

    AccessibilityRecorder recorder;
    QVERIFY(connectTo(*window, server));
    window->requestEditor()->setLineEnding(RequestCodec::LineEnding::None);
    typeRequest(*window, QStringLiteral("0123456789"));
    QVERIFY(window->sendRequest());
    const QString endpoint = QStringLiteral("127.0.0.1:%1").arg(server.serverPort());
    QCOMPARE(state->accessibleName(), QStringLiteral("State: Connected"));
    QCOMPARE(remote->accessibleName(), QStringLiteral("Remote: ") + endpoint);
    QTRY_COMPARE(bytes->accessibleName(), QStringLiteral("Sent: 10 bytes, received: 5 bytes"));
    QVERIFY2(elapsed->accessibleName().startsWith(QStringLiteral("Connection time: 00:")),
             qPrintable(elapsed->accessibleName()));
    // Each change was announced, with the new value in the name.
    QVERIFY(recorder.names(QAccessible::NameChanged, state).contains(QStringLiteral("State: Connected")));
    QVERIFY(recorder.names(QAccessible::NameChanged, remote).contains(QStringLiteral("Remote: ") + endpoint));
    QVERIFY(recorder.names(QAccessible::NameChanged, bytes).contains(QStringLiteral("Sent: 10 bytes, received: 5 bytes")));

    // The status bar's message is in its name too.
    QVERIFY(!statusMessage(*window).isEmpty());
    QCOMPARE(window->statusBar()->accessibleName(), QStringLiteral("Status: ") + statusMessage(*window));
}

void MainWindowTest::errorsAreAnnounced()
{
    const quint16 port = TestSupport::closedPort();
    auto window = makeWindow();
    AccessibilityRecorder recorder;

    // A session error: an alert from the status bar, which names it.
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), port);
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    const QString refused = window->session()->errorString();
    QVERIFY(!refused.isEmpty());
    QCOMPARE(recorder.count(QAccessible::Alert, window->statusBar()), 1);
    QCOMPARE(recorder.names(QAccessible::Alert, window->statusBar()).first(), QStringLiteral("Status: ") + refused);

    // A request that cannot be encoded: an alert from the error label,
    // which carries the error; once per error, not per keystroke.
    recorder.clear();
    QLabel *error = window->requestEditor()->errorLabel();
    window->requestEditor()->setText(QStringLiteral("bad \\q"));
    QCOMPARE(recorder.count(QAccessible::Alert, error), 1);
    const QString alerted = recorder.names(QAccessible::Alert, error).first();
    QCOMPARE(alerted, QStringLiteral("Request error: ") + error->text());
    QVERIFY2(alerted.contains(QStringLiteral("Line 1, column 5")), qPrintable(alerted));
    QPlainTextEdit *editor = window->requestEditor()->editor();
    editor->moveCursor(QTextCursor::Start);
    QTest::keyClicks(editor, QStringLiteral("xyz")); // the same error, further right
    QCOMPARE(recorder.count(QAccessible::Alert, error), 1);
    QVERIFY2(error->text().contains(QStringLiteral("column 8")), qPrintable(error->text()));
    QCOMPARE(error->accessibleName(), QStringLiteral("Request error: ") + error->text());
    editor->moveCursor(QTextCursor::End);
    QTest::keyClicks(window->requestEditor()->editor(), QStringLiteral("\\")); // still the first one
    QCOMPARE(recorder.count(QAccessible::Alert, error), 1);
    typeRequest(*window, QStringLiteral("fine"));
    QCOMPARE(error->accessibleName(), QStringLiteral("Request error: none"));

    // A refused command, e.g. the send shortcut while disconnected.
    recorder.clear();
    window->requestEditor()->editor()->setFocus();
    QTest::keyClick(window->requestEditor()->editor(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(recorder.count(QAccessible::Alert, window->statusBar()), 1);
    QVERIFY(recorder.names(QAccessible::Alert, window->statusBar()).first().contains(QStringLiteral("not connected")));
}

void MainWindowTest::errorDialogIsAnnounced()
{
    // Save and open failures go to Dialogs::showError; the real one is a
    // message box, which Qt announces as an alert when it shows. Only
    // observable where the platform has accessibility (not offscreen).
    AccessibilityRecorder recorder;
    if (!recorder.isLive())
        QSKIP("Qt sends no accessibility events on this platform");
    QTimer closer;
    closer.setInterval(0);
    connect(&closer, &QTimer::timeout, this, [] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
            box->done(QMessageBox::Ok);
    });
    closer.start();
    StandardDialogs dialogs;
    dialogs.showError(nullptr, QStringLiteral("Save Transcript"), QStringLiteral("Cannot save /x/out.txt: denied"));
    closer.stop();
    bool alerted = false;
    for (const AccessibilityRecorder::Event &event : recorder.events) {
        if (event.type == QAccessible::Alert && event.className == QLatin1String("QMessageBox"))
            alerted = true;
    }
    QVERIFY(alerted);
}

void MainWindowTest::saveInEachFormat_data()
{
    QTest::addColumn<TranscriptIO::Format>("format");
    QTest::newRow("raw") << TranscriptIO::Format::Raw;
    QTest::newRow("text") << TranscriptIO::Format::Text;
    QTest::newRow("hexdump") << TranscriptIO::Format::Hexdump;
    QTest::newRow("jsonl") << TranscriptIO::Format::Jsonl;
}

void MainWindowTest::saveInEachFormat()
{
    QFETCH(TranscriptIO::Format, format);
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    std::shared_ptr<Transcript> transcript = window->transcript();
    QVERIFY(transcript);
    QVERIFY(transcript->isModified());

    // Typed without a suffix: the selected filter decides the format and
    // its suffix is added.
    const QString typed = m_dir->filePath(QStringLiteral("saved"));
    m_dialogs->saveChoices.enqueue(Dialogs::FileChoice{typed, TranscriptIO::fileDialogFilter(format)});
    QVERIFY(window->saveTranscript());
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(m_dialogs->saveDialogs, 1);
    QCOMPARE(m_dialogs->saveFiltersOffered.size(), 4); // one filter per format
    QVERIFY(m_dialogs->saveFiltersOffered.contains(TranscriptIO::fileDialogFilter(format)));
    QCOMPARE(m_dialogs->errors, QStringList());
    const QString path = typed + QLatin1Char('.') + TranscriptIO::defaultSuffix(format);
    QVERIFY2(QFile::exists(path), qPrintable(path));
    QVERIFY(!transcript->isModified());
    QVERIFY(!window->isWindowModified());
    QVERIFY2(statusMessage(*window).contains(QStringLiteral("saved"), Qt::CaseInsensitive),
             qPrintable(statusMessage(*window)));

    const QByteArray saved = readAll(path);
    QBuffer expected;
    expected.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY(TranscriptIO::write(*transcript, format, &expected, &error));
    QCOMPARE(saved, expected.data());
    switch (format) {
    case TranscriptIO::Format::Raw:
        QCOMPARE(saved, QByteArray("hello\r\nping"));
        break;
    case TranscriptIO::Format::Text:
        QVERIFY(saved.contains("> ping\n"));
        QVERIFY(saved.contains("< hello\\r\\n\n"));
        break;
    case TranscriptIO::Format::Hexdump:
        QVERIFY(saved.contains("68 65 6c 6c 6f 0d 0a"));
        break;
    case TranscriptIO::Format::Jsonl: {
        Transcript reopened;
        TranscriptIO::ReadError readError;
        QVERIFY2(TranscriptIO::open(path, &reopened, &readError), qPrintable(readError.toString()));
        QCOMPARE(reopened.entryCount(), transcript->entryCount());
        QCOMPARE(reopened.read(Transcript::Direction::Received, 0, 100), QByteArray("hello\r\nping"));
        QCOMPARE(reopened.read(Transcript::Direction::Sent, 0, 100), QByteArray("ping"));
        break;
    }
    }
}

void MainWindowTest::saveKeepsATypedSuffix()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    const QString path = m_dir->filePath(QStringLiteral("conversation.log"));
    m_dialogs->saveChoices.enqueue(
        Dialogs::FileChoice{path, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
    QVERIFY(window->saveTranscript());
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QVERIFY(readAll(path).startsWith("# Socketeer transcript of 127.0.0.1:"));
    QVERIFY(!QFile::exists(path + QStringLiteral(".txt")));

    // Cancelling changes nothing and asks nothing more.
    m_dialogs->saveChoices.enqueue(std::nullopt);
    QVERIFY(!window->saveTranscript());
    QCOMPARE(m_dialogs->errors, QStringList());
}

void MainWindowTest::saveFailureIsReported()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    const QString path = m_dir->filePath(QStringLiteral("no-such-folder/out.txt"));
    m_dialogs->saveChoices.enqueue(
        Dialogs::FileChoice{path, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
    QVERIFY(window->saveTranscript()); // started; it fails in the background
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(m_dialogs->errors.size(), 1);
    // The file is named once, with the reason.
    QCOMPARE(m_dialogs->errors.first().count(QStringLiteral("out.txt")), 1);
    QVERIFY(window->transcript()->isModified());
    QVERIFY(!statusMessage(*window).contains(QStringLiteral("saved"), Qt::CaseInsensitive));
}

void MainWindowTest::refusedConnection()
{
    const quint16 port = TestSupport::closedPort();
    auto window = makeWindow();
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), port);
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->session()->error(), Session::Error::ConnectionRefused);
    QCOMPARE(statusMessage(*window), QStringLiteral("Connection refused by 127.0.0.1:%1").arg(port));
    // The status bar and the transcript say the same thing.
    QCOMPARE(statusMessage(*window), window->session()->errorString());
    QVERIFY2(viewText(*window).contains(QStringLiteral("* error: ") + window->session()->errorString()),
             qPrintable(viewText(*window)));
    QVERIFY(window->connectionBar()->connectButton()->isEnabled());
    // Only events: nothing worth asking about before reconnecting.
    QVERIFY(window->connectToHost());
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QVERIFY(m_dialogs->unsavedQuestions.isEmpty());
}

void MainWindowTest::hostNotFound()
{
    auto window = makeWindow();
    typeEndpoint(*window, QStringLiteral("a..b"), 80);
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->session()->error(), Session::Error::HostNotFound);
    QCOMPARE(statusMessage(*window), QStringLiteral("Host not found: a..b"));
    QCOMPARE(statusMessage(*window), window->session()->errorString());
    QVERIFY2(viewText(*window).contains(QStringLiteral("* error: Host not found: a..b")),
             qPrintable(viewText(*window)));
}

void MainWindowTest::timeoutShowsTheSessionsMessage()
{
    TestSupport::PendingListener listener;
    if (!listener.start())
        QSKIP("could not fill the listen queue");
    auto window = makeWindow();
    window->session()->setConnectTimeout(200);
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), listener.port());
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->session()->error(), Session::Error::ConnectTimeout);
    const QString message = window->session()->errorString();
    QVERIFY2(message.contains(QStringLiteral("127.0.0.1:%1").arg(listener.port())), qPrintable(message));
    QCOMPARE(statusMessage(*window), message);
    QVERIFY2(viewText(*window).contains(QStringLiteral("* error: ") + message), qPrintable(viewText(*window)));
}

void MainWindowTest::invalidEscapeDisablesSend()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    RequestEditor *request = window->requestEditor();
    QLabel *error = request->errorLabel();

    typeRequest(*window, QStringLiteral("ok\nbad \\q"));
    const RequestCodec::Result expected =
        RequestCodec::encode(request->text(), request->mode(), request->lineEnding());
    QVERIFY(!expected.ok());
    QCOMPARE(expected.error.line, 2);
    QVERIFY(!request->sendButton()->isEnabled());
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().startsWith(QStringLiteral("Line 2, column %1").arg(expected.error.column)),
             qPrintable(error->text()));

    // The shortcut refuses too, and says why.
    QTest::keyClick(request->editor(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(statusMessage(*window).contains(QStringLiteral("invalid")));
    QVERIFY(server.receivedSoFar().isEmpty());

    // Fixed: Send comes back.
    QTest::keyClick(request->editor(), Qt::Key_Backspace);
    QTest::keyClicks(request->editor(), QStringLiteral("n"));
    QVERIFY(request->isValid());
    QVERIFY(!error->isVisible());
    QVERIFY(request->sendButton()->isEnabled());
}

void MainWindowTest::invalidHexDisablesSend()
{
    auto window = makeWindow();
    RequestEditor *request = window->requestEditor();
    request->setMode(RequestCodec::Mode::Hex);
    typeRequest(*window, QStringLiteral("47 45 5"));
    QVERIFY(!request->isValid());
    QVERIFY(request->errorLabel()->isVisible());
    QVERIFY(request->errorLabel()->text().startsWith(QStringLiteral("Line 1, column ")));
    QTest::keyClicks(request->editor(), QStringLiteral("4"));
    QVERIFY(request->isValid());
    QCOMPARE(request->encode().bytes, QByteArray("GET"));
}

void MainWindowTest::requestErrorColourFollowsThePalette()
{
    auto window = makeWindow();
    RequestEditor *request = window->requestEditor();
    QLabel *error = request->errorLabel();
    auto lightness = [error] { return error->palette().color(QPalette::WindowText).lightnessF(); };

    QPalette light = request->palette();
    light.setColor(QPalette::Window, Qt::white);
    light.setColor(QPalette::WindowText, Qt::black);
    request->setPalette(light);
    const auto onLight = lightness();
    QVERIFY2(onLight < 0.5f, qPrintable(QString::number(onLight)));

    QPalette dark = request->palette();
    dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::WindowText, Qt::white);
    request->setPalette(dark);
    const auto onDark = lightness();
    QVERIFY2(onDark > 0.5f, qPrintable(QString::number(onDark)));
    // Only the text colour is the label's own: the rest follows.
    QCOMPARE(error->palette().color(QPalette::Window), QColor(0x20, 0x20, 0x20));
}

void MainWindowTest::presetFillsTheHost()
{
    auto window = makeWindow();
    typeEndpoint(*window, QStringLiteral("example.test"), 8080);
    auto *presets = window->findChild<QPushButton *>(QStringLiteral("presets"));
    QVERIFY(presets && presets->menu());
    QAction *http11 = nullptr;
    for (QAction *action : presets->menu()->actions()) {
        if (action->text().contains(QStringLiteral("HTTP/1.1")))
            http11 = action;
    }
    QVERIFY(http11);
    http11->trigger();
    const QString text = window->requestEditor()->text();
    QCOMPARE(text, RequestCodec::presetText(RequestCodec::Preset::Http11GetClose, QStringLiteral("example.test"), 8080));
    QVERIFY(text.contains(QStringLiteral("Host: example.test:8080")));
    QVERIFY(text.contains(QStringLiteral("Connection: close")));
    QCOMPARE(window->requestEditor()->mode(), RequestCodec::Mode::Text);
}

void MainWindowTest::reconnectWithUnsavedTranscriptAsks()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    const std::shared_ptr<Transcript> first = window->transcript();
    QCOMPARE(server.connectionCount(), 1);

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QCOMPARE(m_dialogs->unsavedQuestions.size(), 1);
    QCOMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(window->transcript(), first);

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QTest::mouseClick(window->connectionBar()->connectButton(), Qt::LeftButton);
    QCOMPARE(m_dialogs->unsavedQuestions.size(), 2);
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    QTRY_COMPARE(server.connectionCount(), 2);
    QVERIFY(window->transcript() != first); // each connection its own transcript
    QVERIFY(!viewText(*window).contains(QStringLiteral("ping")));
}

void MainWindowTest::reconnectSaveAnswerSavesFirst()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    const QString path = m_dir->filePath(QStringLiteral("before-reconnect.jsonl"));
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Save);
    m_dialogs->saveChoices.enqueue(
        Dialogs::FileChoice{path, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Jsonl)});
    QVERIFY(window->connectToHost());
    QVERIFY(QFile::exists(path));
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);

    // A cancelled save cancels the reconnect.
    QTest::mouseClick(window->connectionBar()->disconnectButton(), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    window->transcript()->appendData(Transcript::Direction::Received, "more");
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Save);
    m_dialogs->saveChoices.enqueue(std::nullopt);
    QVERIFY(!window->connectToHost());
    QCOMPARE(window->session()->state(), Session::State::Closed);
}

void MainWindowTest::clearAsksFirst()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QVERIFY(!window->clearTranscript());
    QVERIFY(window->transcript());
    QVERIFY(!viewText(*window).isEmpty());

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QVERIFY(window->clearTranscript());
    QVERIFY(!window->transcript());
    QVERIFY(viewText(*window).isEmpty());
    QCOMPARE(m_dialogs->unsavedQuestions.size(), 2);
}

void MainWindowTest::closeAsksAndCanBeCancelled()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QVERIFY(!window->close());
    QVERIFY(window->isVisible());
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QVERIFY(window->close());
    QVERIFY(!window->isVisible());
    QCOMPARE(m_dialogs->unsavedQuestions.size(), 2);
}

void MainWindowTest::closeWhileConnectedSavesTheWholeConversation()
{
    // Closing while connected: once the person chose Save, the connection
    // ends first, so the file holds everything up to "disconnected" and
    // nothing is added after the save.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("hello\r\n");
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    QTRY_COMPARE(window->session()->bytesReceived(), qint64(7));
    const std::shared_ptr<Transcript> transcript = window->transcript();

    const QString path = m_dir->filePath(QStringLiteral("on-close.jsonl"));
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Save);
    m_dialogs->saveChoices.enqueue(
        Dialogs::FileChoice{path, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Jsonl)});
    QVERIFY(window->close());
    QCOMPARE(window->session()->state(), Session::State::Closed);
    QVERIFY(!transcript->isModified()); // nothing after the save

    Transcript saved;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(path, &saved, &error), qPrintable(error.toString()));
    QCOMPARE(saved.entryCount(), transcript->entryCount());
    const Transcript::Entry last = saved.entry(saved.entryCount() - 1);
    QCOMPARE(last.kind, Transcript::Kind::Event);
    QCOMPARE(last.event, TranscriptEvent::disconnected());
    QCOMPARE(saved.read(Transcript::Direction::Received, 0, 100), QByteArray("hello\r\n"));
}

void MainWindowTest::closeWhileConnectedCancelKeepsTheConnection()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("hello\r\n");
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    QTRY_COMPARE(window->session()->bytesReceived(), qint64(7));

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QVERIFY(!window->close());
    QCOMPARE(window->session()->state(), Session::State::Connected);

    // Discard: ends the connection and closes, asking nothing more.
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QVERIFY(window->close());
    QCOMPARE(window->session()->state(), Session::State::Closed);
    QCOMPARE(m_dialogs->unsavedQuestions.size(), 2);
}

void MainWindowTest::closeWithoutPromptNeverAsks()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    window->closeWithoutPrompt();
    QVERIFY(!window->isVisible());
    QVERIFY(m_dialogs->unsavedQuestions.isEmpty());
}

void MainWindowTest::settingsRememberedAcrossWindows()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    {
        auto window = makeWindow(QStringLiteral("shared.ini"));
        QVERIFY(connectTo(*window, server)); // also remembers the host
        window->disconnectFromHost();
        QTRY_COMPARE(window->session()->state(), Session::State::Closed);
        typeEndpoint(*window, QStringLiteral("localhost"), 4242);
        window->requestEditor()->setMode(RequestCodec::Mode::Hex);
        window->requestEditor()->setLineEnding(RequestCodec::LineEnding::None);
        typeRequest(*window, QStringLiteral("de ad"));
        for (QAction *action : window->findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("Show &Timestamps"))
                action->setChecked(true);
            if (action->text() == QStringLiteral("&Wrap Lines"))
                action->setChecked(true); // off by default
            if (action->text() == QStringLiteral("Show as &Hex"))
                action->setChecked(true); // off by default
        }
        window->resize(700, 500);
        QVERIFY(window->close()); // nothing unsaved: no question
        window.reset();           // before the settings it points to
        m_settings.reset();
    }
    auto window = makeWindow(QStringLiteral("shared.ini"));
    QCOMPARE(window->connectionBar()->host(), QStringLiteral("localhost"));
    QCOMPARE(window->connectionBar()->port(), quint16(4242));
    QCOMPARE(window->connectionBar()->recentHosts(), QStringList{QStringLiteral("127.0.0.1")});
    QCOMPARE(window->requestEditor()->mode(), RequestCodec::Mode::Hex);
    QCOMPARE(window->requestEditor()->lineEnding(), RequestCodec::LineEnding::None);
    QCOMPARE(window->requestEditor()->text(), QStringLiteral("de ad"));
    QVERIFY(window->transcriptView()->showTimestamps());
    QVERIFY(window->transcriptView()->wrapLines());
    QVERIFY(window->transcriptView()->showHex());
    QVERIFY(window->transcriptView()->hexAction()->isChecked());
    QCOMPARE(window->size(), QSize(700, 500));
    QVERIFY(m_dialogs->unsavedQuestions.isEmpty());
}

void MainWindowTest::recentHostsAreKeptAndCapped()
{
    AppSettings settings(m_dir->filePath(QStringLiteral("recent.ini")));
    for (int i = 0; i < 15; ++i)
        settings.addRecentHost(QStringLiteral("host%1.test").arg(i));
    settings.addRecentHost(QStringLiteral("HOST3.test")); // moves to the front, one entry
    const QStringList recent = settings.recentHosts();
    QCOMPARE(recent.size(), AppSettings::maxRecentHosts);
    QCOMPARE(recent.first(), QStringLiteral("HOST3.test"));
    QCOMPARE(recent.at(1), QStringLiteral("host14.test"));
    QCOMPARE(recent.filter(QStringLiteral("host3.test"), Qt::CaseInsensitive).size(), 1);
}

void MainWindowTest::settingsFileIsPrivate()
{
    const QString path = m_dir->filePath(QStringLiteral("private/settings.ini"));
    constexpr QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
        | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    {
        AppSettings settings(path);
        // Private before anything is written, so that no write ever leaves it readable.
        QVERIFY(QFile::exists(path));
        QCOMPARE(QFile::permissions(path) & others, QFile::Permissions());
        QCOMPARE(QFile::permissions(QFileInfo(path).absolutePath()) & others, QFile::Permissions());
        settings.setHost(QStringLiteral("secret.test"));
        QVERIFY(settings.sync());
        QCOMPARE(QFile::permissions(path) & others, QFile::Permissions());
        QVERIFY(QFile::permissions(path) & QFile::ReadOwner);
        QVERIFY(QFile::permissions(path) & QFile::WriteOwner);
    }
    // QSettings also writes on its own, from the event loop: the file stays
    // private without our sync() (it was created 0600 before).
    {
        const QString own = m_dir->filePath(QStringLiteral("private/own.ini"));
        AppSettings settings(own);
        settings.setHost(QStringLiteral("written-by-qsettings.test"));
        QTRY_VERIFY(readAll(own).contains("written-by-qsettings.test"));
        QCOMPARE(QFile::permissions(own) & others, QFile::Permissions());
    }
    // An existing world-readable file is tightened.
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    {
        AppSettings settings(path);
        settings.setPort(8080);
        QVERIFY(settings.sync());
        QCOMPARE(QFile::permissions(path) & others, QFile::Permissions());
        // ...and again after QSettings rewrites it on its own.
        settings.setPort(8081);
    }
    QCOMPARE(QFile::permissions(path) & others, QFile::Permissions());
    QCOMPARE(AppSettings(path).port(), quint16(8081));

    // Through the window: closing it writes the file, still private.
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("window.ini")));
    {
        MainWindow window(m_settings.get(), m_dialogs);
        window.show();
        QVERIFY(window.close());
    }
    QCOMPARE(QFile::permissions(m_settings->fileName()) & others, QFile::Permissions());
}

void MainWindowTest::defaultSettingsUseTestPaths()
{
    // Test mode (initTestCase) keeps the user's real settings out of reach:
    // the default settings live under the test location.
    const QString location = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    QVERIFY2(location.contains(QStringLiteral("qttest")), qPrintable(location));
    const QString expected = location + QStringLiteral("/Socketeer/Socketeer.conf");
    const bool existed = QFile::exists(expected);
    {
        AppSettings settings;
        QCOMPARE(settings.fileName(), expected);
        QCOMPARE(QFile::permissions(expected) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    }
    if (!existed)
        QFile::remove(expected);
}

namespace {

void collectAccessible(QAccessibleInterface *iface, QList<QAccessibleInterface *> &out, int depth = 0)
{
    if (!iface || depth > 40)
        return;
    out.append(iface);
    for (int i = 0; i < iface->childCount(); ++i)
        collectAccessible(iface->child(i), out, depth + 1);
}

QAccessibleInterface *findByName(QWidget *root, const QString &name, int *count)
{
    QList<QAccessibleInterface *> all;
    collectAccessible(QAccessible::queryAccessibleInterface(root), all);
    QAccessibleInterface *found = nullptr;
    *count = 0;
    for (QAccessibleInterface *iface : all) {
        if (iface->text(QAccessible::Name) == name) {
            ++*count;
            found = iface;
        }
    }
    return found;
}

} // namespace

void MainWindowTest::accessibleNamesAndInterfaces()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("greetings from the server\r\n");
    auto window = makeWindow();

    struct Expected {
        QString name;
        QObject *object;
        QAccessible::Role role;
    };
    const QList<Expected> controls = {
        {QStringLiteral("Host"), window->connectionBar()->hostEdit(), QAccessible::EditableText},
        {QStringLiteral("Port"), window->connectionBar()->portBox(), QAccessible::SpinBox},
        {QStringLiteral("Request"), window->requestEditor()->editor(), QAccessible::EditableText},
        {QStringLiteral("Connect"), window->connectionBar()->connectButton(), QAccessible::Button},
        {QStringLiteral("Disconnect"), window->connectionBar()->disconnectButton(), QAccessible::Button},
        {QStringLiteral("Send"), window->requestEditor()->sendButton(), QAccessible::Button},
        {QStringLiteral("Transcript"), window->transcriptView(), QAccessible::EditableText},
    };
    QHash<QString, QAccessibleInterface *> byName;
    for (const Expected &control : controls) {
        int count = 0;
        QAccessibleInterface *iface = findByName(window.get(), control.name, &count);
        QVERIFY2(iface, qPrintable(control.name));
        QVERIFY2(count == 1, qPrintable(control.name + QStringLiteral(": %1 interfaces").arg(count)));
        QCOMPARE(iface->object(), control.object);
        QCOMPARE(iface->role(), control.role);
        byName.insert(control.name, iface);
    }

    // Host, Port and Request can be typed into by a screen reader.
    auto replaceAll = [](QAccessibleInterface *iface, const QString &text) {
        QAccessibleTextInterface *current = iface->textInterface();
        QAccessibleEditableTextInterface *editable = iface->editableTextInterface();
        QVERIFY(current);
        QVERIFY(editable);
        editable->replaceText(0, current->characterCount(), text);
    };
    replaceAll(byName.value(QStringLiteral("Host")), QStringLiteral("127.0.0.1"));
    QCOMPARE(window->connectionBar()->host(), QStringLiteral("127.0.0.1"));
    replaceAll(byName.value(QStringLiteral("Port")), QString::number(server.serverPort()));
    QCOMPARE(window->connectionBar()->port(), server.serverPort());
    replaceAll(byName.value(QStringLiteral("Request")), QStringLiteral("via a11y"));
    QCOMPARE(window->requestEditor()->text(), QStringLiteral("via a11y"));

    // Press Connect as a screen reader would.
    QAccessibleInterface *connectIface = byName.value(QStringLiteral("Connect"));
    QVERIFY(connectIface->actionInterface());
    QVERIFY(connectIface->state().disabled == false);
    connectIface->actionInterface()->doAction(QAccessibleActionInterface::pressAction());
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    QVERIFY(byName.value(QStringLiteral("Connect"))->state().disabled);
    QVERIFY(!byName.value(QStringLiteral("Disconnect"))->state().disabled);

    // The transcript reads out what was received.
    QTRY_VERIFY(window->transcriptView()->allText().contains(QStringLiteral("greetings")));
    QAccessibleTextInterface *transcript = byName.value(QStringLiteral("Transcript"))->textInterface();
    QVERIFY(transcript);
    const QString spoken = transcript->text(0, transcript->characterCount());
    QVERIFY2(spoken.contains(QStringLiteral("< greetings from the server\\r\\n")), qPrintable(spoken));
    QVERIFY(byName.value(QStringLiteral("Transcript"))->state().readOnly);

    // The host combo has another name (on Linux, Qt reports a combo's text
    // as its accessible name; the name set is for the other platforms).
    QCOMPARE(window->connectionBar()->hostCombo()->accessibleName(), QStringLiteral("Recent hosts"));
}

void MainWindowTest::everyControlHasNameAndTooltip()
{
    auto window = makeWindow();
    const QList<QWidget *> widgets = window->findChildren<QWidget *>();
    int checked = 0;
    for (QWidget *w : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w)
            || qobject_cast<QAbstractSpinBox *>(w) || qobject_cast<QPlainTextEdit *>(w)
            || qobject_cast<QLineEdit *>(w) || qobject_cast<TranscriptView *>(w);
        if (!control)
            continue;
        if (qobject_cast<QAbstractSpinBox *>(w->parentWidget()) || qobject_cast<QLineEdit *>(w->parentWidget()))
            continue; // parts of a control: the spin box's line edit, the clear button
        if (w->objectName().startsWith(QLatin1String("qt_")))
            continue; // Qt's internal buttons (clear button, scroll arrows)
        ++checked;
        const QString what = QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + w->objectName()
            + QLatin1String(" in ") + QString::fromLatin1(w->parentWidget()->metaObject()->className());
        QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(what + QLatin1String(" has no accessible name")));
        QVERIFY2(!w->toolTip().isEmpty(), qPrintable(what + QLatin1String(" has no tooltip")));
    }
    QVERIFY(checked >= 10);
    auto *mode = window->findChild<QComboBox *>(QStringLiteral("requestMode"));
    auto *lineEnding = window->findChild<QComboBox *>(QStringLiteral("lineEnding"));
    QVERIFY(mode && lineEnding);
    QCOMPARE(mode->accessibleName(), QStringLiteral("Request mode"));
    QCOMPARE(lineEnding->accessibleName(), QStringLiteral("Line ending"));
    QCOMPARE(lineEnding->currentData().value<RequestCodec::LineEnding>(), RequestCodec::LineEnding::CRLF);
    QCOMPARE(window->findChild<QPushButton *>(QStringLiteral("presets"))->accessibleName(), QStringLiteral("Presets"));
}

void MainWindowTest::standardShortcuts()
{
    auto window = makeWindow();
    auto hasShortcut = [&window](const QKeySequence &sequence) {
        for (QAction *action : window->findChildren<QAction *>()) {
            if (action->shortcuts().contains(sequence))
                return true;
        }
        return false;
    };
    QVERIFY(hasShortcut(QKeySequence(Qt::CTRL | Qt::Key_O)));
    QVERIFY(hasShortcut(QKeySequence(Qt::CTRL | Qt::Key_S)));
    QVERIFY(hasShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q)));
    QVERIFY(hasShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return)));
    QVERIFY(hasShortcut(QKeySequence(QKeySequence::Copy)));
    QVERIFY(hasShortcut(QKeySequence(QKeySequence::SelectAll)));

    // Nothing to save before the first connection: no dialog.
    QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
    QCOMPARE(m_dialogs->saveDialogs, 0);
}

void MainWindowTest::mnemonicsAreUnique()
{
    // Alt+letter in the main window: menu titles, buttons and the labels of
    // fields never share a letter.
    auto window = makeWindow();
    QStringList texts;
    for (QAction *action : window->menuBar()->actions())
        texts.append(action->text());
    for (QAbstractButton *button : window->findChildren<QAbstractButton *>())
        texts.append(button->text());
    for (QLabel *label : window->findChildren<QLabel *>()) {
        if (label->buddy())
            texts.append(label->text());
    }
    QHash<QString, QString> byKey;
    for (const QString &text : std::as_const(texts)) {
        const QKeySequence mnemonic = QKeySequence::mnemonic(text);
        if (mnemonic.isEmpty())
            continue;
        const QString key = mnemonic.toString();
        QVERIFY2(!byKey.contains(key),
                 qPrintable(QStringLiteral("%1: \"%2\" and \"%3\"").arg(key, byKey.value(key), text)));
        byKey.insert(key, text);
    }
    QVERIFY(byKey.size() >= 10);
    QVERIFY(byKey.contains(QStringLiteral("Alt+E"))); // Edit
    QVERIFY(byKey.contains(QStringLiteral("Alt+C"))); // Connect
}

void MainWindowTest::aboutShowsVersions()
{
    auto window = makeWindow();
    window->showAbout();
    QVERIFY(m_dialogs->aboutText.contains(QStringLiteral("Socketeer")));
    QVERIFY(m_dialogs->aboutText.contains(QStringLiteral(SOCKETEER_VERSION)));
    QVERIFY(m_dialogs->aboutText.contains(QString::fromLatin1(qVersion())));
}

void MainWindowTest::appIconHasEverySize()
{
    // The PNGs are in the resources and the icon renders at every size.
    const QIcon icon = appIcon();
    QVERIFY(!icon.isNull());
    for (int size : {16, 32, 48, 64, 128, 256}) {
        const QImage png(QStringLiteral(":/icons/socketeer-%1.png").arg(size));
        QCOMPARE(png.size(), QSize(size, size));
        QCOMPARE(icon.pixmap(QSize(size, size)).size(), QSize(size, size));
    }
    // Without an SVG reader (no SVG icon engine to scale), the PNGs are
    // what the icon is made of.
    if (!QImageReader::supportedImageFormats().contains("svg")) {
        const QList<QSize> sizes = icon.availableSizes();
        for (int size : {16, 32, 48, 64, 128, 256})
            QVERIFY(sizes.contains(QSize(size, size)));
    }
}


void MainWindowTest::returnInHostOrPortConnects_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("key");
    QTest::newRow("host, Return") << QStringLiteral("host") << int(Qt::Key_Return);
    QTest::newRow("port, Return") << QStringLiteral("port") << int(Qt::Key_Return);
    QTest::newRow("port, Enter") << QStringLiteral("port") << int(Qt::Key_Enter);
}

void MainWindowTest::returnInHostOrPortConnects()
{
    QFETCH(QString, field);
    QFETCH(int, key);
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    QWidget *target = field == QStringLiteral("host") ? static_cast<QWidget *>(window->connectionBar()->hostEdit())
                                                      : window->connectionBar()->portBox();

    // Without a host, Connect is disabled and Return does nothing.
    window->connectionBar()->hostEdit()->clear();
    target->setFocus();
    QTest::keyClick(target, Qt::Key(key));
    QCOMPARE(window->session()->state(), Session::State::Idle);

    // The port typed last is the one connected to, as the spin box commits
    // it before Return is handled.
    typeEndpoint(*window, QStringLiteral("127.0.0.1"), server.serverPort());
    target->setFocus();
    QTest::keyClick(target, Qt::Key(key));
    QTRY_COMPARE(window->session()->state(), Session::State::Connected);
    QCOMPARE(window->session()->port(), server.serverPort());
    QCOMPARE(server.connectionCount(), 1);
}

void MainWindowTest::byteCountsUseBinaryUnits_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("shown");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0 bytes");
    QTest::newRow("1023") << qint64(1023) << QStringLiteral("1,023 bytes");
    QTest::newRow("1 KiB") << qint64(1024) << QStringLiteral("1.0 KiB");
    QTest::newRow("1.5 KiB") << qint64(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("50 MiB") << qint64(52428800) << QStringLiteral("50.0 MiB");
    QTest::newRow("2 GiB") << qint64(2) * 1024 * 1024 * 1024 << QStringLiteral("2.0 GiB");
}

void MainWindowTest::byteCountsUseBinaryUnits()
{
    // Tests run in the C locale (LC_ALL=C.UTF-8).
    QFETCH(qint64, bytes);
    QFETCH(QString, shown);
    QCOMPARE(SessionStatus::formatBytes(bytes), shown);
}

void MainWindowTest::longMessagesAreElided()
{
    auto window = makeWindow();
    window->resize(500, window->height());
    auto *bar = qobject_cast<MessageStatusBar *>(window->statusBar());
    QVERIFY(bar);
    auto *state = window->findChild<QLabel *>(QStringLiteral("statusState"));
    QVERIFY(state);

    const QString longText = QStringLiteral("Not sent: the request is invalid (line 12, column 40: "
                                            "unknown escape \\q; use \\\\ for a backslash). ")
                                 .repeated(3);
    window->showError(longText);
    QCOMPARE(statusMessage(*window), longText);
    // Drawn elided, and clear of the permanent fields on the right.
    const QString shown = bar->displayedMessage();
    QVERIFY2(shown.endsWith(QChar(0x2026)), qPrintable(shown));
    QVERIFY(shown.size() < longText.size());
    const QRect room = bar->messageRect();
    QVERIFY(room.width() > 0);
    QVERIFY(room.right() < state->mapTo(bar, QPoint(0, 0)).x());
    QVERIFY(bar->fontMetrics().horizontalAdvance(shown) <= room.width());
    // The whole message is in the tooltip and the accessible name.
    QCOMPARE(bar->toolTip(), longText);
    QCOMPARE(bar->accessibleName(), QStringLiteral("Status: %1").arg(longText));

    // A short message is drawn whole.
    window->showMessage(QStringLiteral("Disconnected"));
    QCOMPARE(bar->displayedMessage(), QStringLiteral("Disconnected"));
    QCOMPARE(bar->toolTip(), QStringLiteral("Disconnected"));
    bar->repaint(); // paints without warnings
}

void MainWindowTest::typedExtensionWinsOverTheFilter()
{
    // The tester's case: "Text transcript" selected, demo2.hex typed. As
    // on the command line, the extension decides: a hexdump named .hex.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    exchange(*window, server);
    const QString path = m_dir->filePath(QStringLiteral("demo2.hex"));
    m_dialogs->saveChoices.enqueue(
        Dialogs::FileChoice{path, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text)});
    QCOMPARE(m_dialogs->saveFilterPreselected, QString());
    QVERIFY(window->saveTranscript());
    QTRY_VERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(m_dialogs->saveFilterPreselected, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Text));
    QCOMPARE(m_dialogs->errors, QStringList());
    QBuffer expected;
    expected.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY(TranscriptIO::write(*window->transcript(), TranscriptIO::Format::Hexdump, &expected, &error));
    QCOMPARE(readAll(path), expected.data());
    QVERIFY(!QFile::exists(path + QStringLiteral(".txt")));

    // The format used is preselected next time.
    m_dialogs->saveChoices.enqueue(std::nullopt);
    QVERIFY(!window->saveTranscript());
    QCOMPARE(m_dialogs->saveFilterPreselected, TranscriptIO::fileDialogFilter(TranscriptIO::Format::Hexdump));
    QCOMPARE(m_settings->lastSaveFormat(), std::optional(TranscriptIO::Format::Hexdump));
}

void MainWindowTest::invalidRequestMessageGoesWhenFixed()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    RequestEditor *request = window->requestEditor();
    typeRequest(*window, QStringLiteral("bad \\q"));
    QTest::keyClick(request->editor(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY2(statusMessage(*window).startsWith(QStringLiteral("Not sent: the request is invalid")),
             qPrintable(statusMessage(*window)));

    // Another error keeps it; the fix removes it.
    QTest::keyClicks(request->editor(), QStringLiteral("q"));
    QVERIFY(!request->isValid());
    QVERIFY(statusMessage(*window).startsWith(QStringLiteral("Not sent: the request is invalid")));
    QTest::keyClick(request->editor(), Qt::Key_Backspace);
    QTest::keyClick(request->editor(), Qt::Key_Backspace);
    QTest::keyClicks(request->editor(), QStringLiteral("n"));
    QVERIFY(request->isValid());
    QCOMPARE(statusMessage(*window), QString());

    // Any other message is left alone by a fix.
    typeRequest(*window, QStringLiteral("bad \\q"));
    window->showMessage(QStringLiteral("Something else"));
    QTest::keyClick(request->editor(), Qt::Key_Backspace);
    QTest::keyClicks(request->editor(), QStringLiteral("n"));
    QVERIFY(request->isValid());
    QCOMPARE(statusMessage(*window), QStringLiteral("Something else"));
}

void MainWindowTest::quitQuestionSaysTheConnectionWillClose()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("hello\r\n");
    auto window = makeWindow();
    QVERIFY(connectTo(*window, server));
    QTRY_COMPARE(window->session()->bytesReceived(), qint64(7));

    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QVERIFY(!window->close());
    QCOMPARE(m_dialogs->unsavedQuestions,
             QStringList{QStringLiteral("The connection to 127.0.0.1:%1 is open and will be closed. "
                                        "Save the transcript before quitting?")
                             .arg(server.serverPort())});

    // Not connected any more: the plain question.
    window->disconnectFromHost();
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QVERIFY(window->close());
    QCOMPARE(m_dialogs->unsavedQuestions.last(), QStringLiteral("Save it before quitting?"));
}

void MainWindowTest::wrapIsOffByDefault()
{
    {
        auto window = makeWindow(QStringLiteral("fresh.ini"));
        QVERIFY(!m_settings->wrapLines());
        QVERIFY(!window->transcriptView()->wrapLines());
        QVERIFY(!window->transcriptView()->wrapAction()->isChecked());
        window.reset();
        m_settings.reset();
    }
    // A choice saved before the default changed is kept.
    {
        QSettings old(m_dir->filePath(QStringLiteral("old.ini")), QSettings::IniFormat);
        old.setValue(QStringLiteral("view/wrapLines"), true);
    }
    auto window = makeWindow(QStringLiteral("old.ini"));
    QVERIFY(window->transcriptView()->wrapLines());
    QVERIFY(window->transcriptView()->wrapAction()->isChecked());
}

void MainWindowTest::largeCopyShowsProgressInTheStatusBar()
{
    std::unique_ptr<MainWindow> window = makeWindow();
    checkLargeCopyInStatusBar(window.get(), window->transcriptView(), *m_dialogs);
}

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"
