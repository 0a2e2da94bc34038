#pragma once

#include <functional>
#include <memory>

#include <QMainWindow>

#include "requestcodec.h"
#include "session.h"
#include "transcriptfiles.h"

class AppSettings;
class CertificatePanel;
class ConnectionBar;
class ConnectionSetup;
class Dialogs;
class HistoryControl;
class FindBar;
class QAction;
class QDockWidget;
class QSplitter;
class RequestEditor;
class SaveStatus;
class SessionStatus;
class TlsControl;
class TrafficStatus;
class Transcript;
class TranscriptOpener;
class TranscriptView;
class TranscriptWindow;
class TransportStatus;

// The main window: creates the parts (connection bar, request editor,
// transcript view, status) around one Session and connects them. The logic
// lives in the parts; what is here is wiring and the few decisions that
// need more than one part (asking before discarding an unsaved transcript).
//
// Every question to the person goes through `dialogs`; settings are read at
// construction, kept current in memory (a transcript window opened later
// shows timestamps and wrapping as this one does) and written when the
// window closes.
//
// Connect (F5), Disconnect (Shift+F5) and Send (Ctrl+Return) are the
// connection bar's and the request editor's actions, in the Connection menu
// too, with Start TLS, Connection Options and Trusted Certificates (see
// ConnectionSetup and TlsControl). The certificate panel is a dock (View
// menu, F9) shown after each handshake or certificate rejection. The Find
// bar (Edit > Find, Ctrl+F) sits under the transcript view. While Connect or Send is disabled its shortcut still says in the
// status bar why nothing happens.
//
// Autosave and File > History are HistoryControl's; File > Open reads in the
// background (TranscriptOpener). A transcript recorded with autosave on is
// kept on disk as it arrives, so the window never asks to save it (no
// unsaved mark, no "Save changes?" on quit, reconnect or clear); with
// autosave off it asks as before.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(AppSettings *settings, Dialogs *dialogs, QWidget *parent = nullptr);
    ~MainWindow() override;

    Session *session() { return &m_session; }
    // The transcript shown (the current or last connection's); null before
    // the first connection and after Clear.
    std::shared_ptr<Transcript> transcript() const { return m_transcript; }

    ConnectionBar *connectionBar() const { return m_connection; }
    RequestEditor *requestEditor() const { return m_request; }
    TranscriptView *transcriptView() const { return m_view; }
    FindBar *findBar() const { return m_find; }
    ConnectionSetup *connectionSetup() const { return m_setup; }
    TlsControl *tlsControl() const { return m_tls; }
    CertificatePanel *certificatePanel() const { return m_certificates; }
    QDockWidget *certificateDock() const { return m_certificateDock; }
    TranscriptFiles *transcriptFiles() { return &m_files; }
    SaveStatus *saveStatus() const { return m_saveStatus; }
    TrafficStatus *trafficStatus() const { return m_trafficStatus; }
    HistoryControl *historyControl() const { return m_history; }
    TranscriptOpener *transcriptOpener() const { return m_opener; }

    // The transport, TLS, proxy... of the next connections (e.g. from the
    // command line); saved with the settings, without secrets.
    void setConnectionOptions(const ConnectionOptions &options);

    void setEndpoint(const QString &host, quint16 port);
    void applyPreset(RequestCodec::Preset preset);
    // Off for the demo: its throw-away host and port are not remembered.
    void setPersistEndpoint(bool persist) { m_persistEndpoint = persist; }

    // The user's commands. Each reports in the status bar what it did or
    // why it did nothing.
    bool connectToHost(); // asks first if the transcript is unsaved
    // Orderly close when connected; in any other active state (connecting,
    // closing) the connection is dropped at once.
    void disconnectFromHost();
    bool sendRequest();
    // Starts saving in the background (see TranscriptFiles::saveAs()); true
    // when a save started.
    bool saveTranscript();
    // Asks for a file, then reads it in the background; the window follows
    // through transcriptWindowOpened(), a failure through Dialogs. False
    // when nothing was started (cancelled, or a file is being read).
    bool openTranscript();
    // A read-only window over `transcript` (from a file or the history).
    TranscriptWindow *showTranscriptWindow(std::shared_ptr<Transcript> transcript, const QString &path);
    bool clearTranscript(); // asks first if unsaved
    void showAbout();

    // Closes without asking about unsaved data (--quit-on-close).
    void closeWithoutPrompt();
    void saveSettings();

    // In the status bar until the next message; an error is also announced
    // to assistive technology (see SessionStatus).
    void showMessage(const QString &text, int timeoutMs = 0);
    void showError(const QString &text);

Q_SIGNALS:
    void transcriptWindowOpened(TranscriptWindow *window);

protected:
    // Asks about unsaved data; with Save or Discard, a live connection ends
    // before the file is written, so that the file holds all of it.
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void connectParts();
    void loadSettings();
    void onStateChanged(Session::State state);
    void onTranscriptStarted(std::shared_ptr<Transcript> transcript);
    void updateActions();
    void updateTitle();
    // TranscriptFiles::maybeSave, except for an autosaved transcript.
    bool maybeSave(const QString &question, const std::function<void()> &answered = {});

    AppSettings *m_settings;
    Dialogs *m_dialogs;
    TranscriptFiles m_files;
    Session m_session;
    std::shared_ptr<Transcript> m_transcript;
    QMetaObject::Connection m_modifiedConnection;
    QMetaObject::Connection m_appendedConnection;

    ConnectionBar *m_connection = nullptr;
    RequestEditor *m_request = nullptr;
    TranscriptView *m_view = nullptr;
    FindBar *m_find = nullptr;
    QSplitter *m_splitter = nullptr;
    SessionStatus *m_status = nullptr;
    SaveStatus *m_saveStatus = nullptr;
    TrafficStatus *m_trafficStatus = nullptr;
    TransportStatus *m_transportStatus = nullptr;
    ConnectionSetup *m_setup = nullptr;
    TlsControl *m_tls = nullptr;
    HistoryControl *m_history = nullptr;
    TranscriptOpener *m_opener = nullptr;
    CertificatePanel *m_certificates = nullptr;
    QDockWidget *m_certificateDock = nullptr;

    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_aboutAction = nullptr;

    QString m_invalidRequestMessage; // the last "Not sent: ... invalid" shown
    bool m_persistEndpoint = true;
    bool m_skipUnsavedPrompt = false;
};
