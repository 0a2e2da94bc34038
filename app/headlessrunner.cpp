#include "headlessrunner.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSocketNotifier>

#include "demoserver.h"
#include "logging.h"
#include "requestcodec.h"
#include "transcriptio.h"

namespace {

constexpr int stdinFd = 0;
constexpr int stdoutFd = 1;
constexpr int stderrFd = 2;
// Standard input is not read while more than this waits to be sent.
constexpr qint64 stdinHighWater = 1024 * 1024;
constexpr qint64 stdinLowWater = 256 * 1024;

// Self-pipe: the handler writes one byte per signal, 'I' for SIGINT/SIGTERM,
// 'A' for SIGALRM (the --timeout deadline).
int g_signalPipe[2] = {-1, -1};

void onSignalHandler(int signal)
{
    const int savedErrno = errno;
    const char byte = signal == SIGALRM ? 'A' : 'I';
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
    errno = savedErrno;
}

bool signalPending()
{
    if (g_signalPipe[0] < 0)
        return false;
    struct pollfd pending = {g_signalPipe[0], POLLIN, 0};
    return ::poll(&pending, 1, 0) > 0;
}

enum class WriteResult { Written, ReaderGone, Failed, Interrupted };

// Writes all of `data` to fd. Gives up when a signal arrives while the
// write is blocked (handlers are installed without SA_RESTART for that).
WriteResult writeAll(int fd, const char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size_t(size));
        if (n >= 0) {
            data += n;
            size -= n;
            if (size > 0 && signalPending())
                return WriteResult::Interrupted;
            continue;
        }
        if (errno == EINTR) {
            if (signalPending())
                return WriteResult::Interrupted;
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd fds[2] = {{fd, POLLOUT, 0}, {g_signalPipe[0], POLLIN, 0}};
            ::poll(fds, g_signalPipe[0] < 0 ? 1 : 2, -1);
            if (fds[1].revents & POLLIN)
                return WriteResult::Interrupted;
            continue;
        }
        return errno == EPIPE ? WriteResult::ReaderGone : WriteResult::Failed;
    }
    return WriteResult::Written;
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

HeadlessRunner::HeadlessRunner(const CommandLineOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_overallTimer.setSingleShot(true);
    connect(&m_overallTimer, &QTimer::timeout, this, [this] {
        const QString why = tr("timed out after %1 ms").arg(m_options.timeoutMs);
        diagnostic(why);
        stopWith(ExitCode::TimedOut, why);
    });
    connect(&m_session, &Session::stateChanged, this, &HeadlessRunner::onStateChanged);
    connect(&m_session, &Session::received, this, &HeadlessRunner::onReceived);
    connect(&m_session, &Session::bytesWritten, this, &HeadlessRunner::onBytesWritten);
    connect(&m_session, &Session::finished, this, &HeadlessRunner::onSessionFinished);
    connect(&m_session, &Session::encrypted, this, [this](const TlsDetails &details) {
        diagnostic(tr("TLS: %1").arg(details.summary()));
    });
}

HeadlessRunner::~HeadlessRunner()
{
    if (m_signalNotifier) {
        ::setitimer(ITIMER_REAL, nullptr, nullptr);
        for (int signal : {SIGINT, SIGTERM, SIGALRM})
            ::signal(signal, SIG_DFL);
        ::close(g_signalPipe[0]);
        ::close(g_signalPipe[1]);
        g_signalPipe[0] = g_signalPipe[1] = -1;
    }
}

void HeadlessRunner::setPrintTranscript(bool print)
{
    m_printTranscript = print;
}

void HeadlessRunner::installSignalHandlers()
{
    ::signal(SIGPIPE, SIG_IGN); // a closed stdout shows up as EPIPE instead
    if (m_signalNotifier || ::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    m_signalNotifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(m_signalNotifier, &QSocketNotifier::activated, this, &HeadlessRunner::onSignal);
    struct sigaction action = {};
    action.sa_handler = onSignalHandler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: a signal must break a blocked write
    for (int signal : {SIGINT, SIGTERM, SIGALRM})
        ::sigaction(signal, &action, nullptr);
}

void HeadlessRunner::addRequest(const QByteArray &bytes)
{
    m_pending.append(bytes);
}

void HeadlessRunner::start()
{
    // Everything that can fail before connecting fails here, before any traffic.
    QString problem;
    const std::optional<QList<QByteArray>> sends = loadSends(m_options.sends, &problem);
    if (!sends) {
        diagnostic(problem);
        QTimer::singleShot(0, this, [this] { end(ExitCode::FileError); });
        return;
    }
    m_pending += *sends;
    if (!m_options.savePath.isEmpty()) {
        // The common mistakes, before any traffic; a full disk still shows at the end.
        const QFileInfo target(m_options.savePath);
        if (!target.absoluteDir().exists() || target.isDir()) {
            diagnostic(tr("cannot save to %1: %2")
                           .arg(m_options.savePath, target.isDir() ? tr("it is a folder")
                                                                    : tr("its folder does not exist")));
            QTimer::singleShot(0, this, [this] { end(ExitCode::FileError); });
            return;
        }
    }

    if (m_options.connection.tls.enabled) {
        ExitCode code = ExitCode::FileError;
        if (!prepareTls(&code)) {
            QTimer::singleShot(0, this, [this, code] { end(code); });
            return;
        }
    }
    if (m_options.connection.tls.insecure)
        diagnostic(tr("warning: --insecure: the peer's certificate is not verified; anyone on the path can read "
                      "and change this connection"));
    prepareRecording();
    m_session.setOptions(m_options.connection);
    m_session.setConnectTimeout(m_options.connectTimeoutMs);
    m_session.setIdleTimeout(m_options.idleMs);
    if (m_options.timeoutMs > 0) {
        m_overallTimer.start(m_options.timeoutMs);
        if (m_signalNotifier) {
            // Breaks a write blocked on a stalled standard output at the deadline.
            struct itimerval deadline = {};
            deadline.it_value.tv_sec = m_options.timeoutMs / 1000;
            deadline.it_value.tv_usec = (m_options.timeoutMs % 1000) * 1000;
            ::setitimer(ITIMER_REAL, &deadline, nullptr);
        }
    }
    m_session.connectToHost(m_options.host, m_options.port);
}

void HeadlessRunner::onStateChanged(Session::State state)
{
    if (state != Session::State::Connected)
        return;
    sendQueued();
    if (m_options.forwardStdin && !m_stdinNotifier) {
        m_stdinNotifier = new QSocketNotifier(stdinFd, QSocketNotifier::Read, this);
        connect(m_stdinNotifier, &QSocketNotifier::activated, this, &HeadlessRunner::onStdinReadable);
    }
}

void HeadlessRunner::sendQueued()
{
    for (const QByteArray &bytes : std::as_const(m_pending)) {
        if (!sendOrStop(bytes))
            break;
    }
    m_pending.clear();
    // --half-close: after the last send, unless standard input follows.
    if (m_options.connection.halfClose && !m_options.forwardStdin && m_session.state() == Session::State::Connected)
        m_session.finishSending();
}

bool HeadlessRunner::sendOrStop(const QByteArray &bytes)
{
    QString whyNot;
    if (m_session.send(bytes, &whyNot))
        return true;
    diagnostic(whyNot);
    // A datagram that cannot go out (too large, refused) ends a UDP run
    // with its error's exit code; a TCP session reports its own end.
    if (m_options.connection.transport == ConnectionOptions::Transport::Udp
        && m_session.lastSendError() != Session::Error::None)
        stopWith(exitCodeForError(m_session.lastSendError()), whyNot);
    return false;
}

void HeadlessRunner::onStdinReadable()
{
    char buffer[64 * 1024];
    // UDP: each read is one datagram, at most what UDP over IPv4 carries.
    const bool udp = m_options.connection.transport == ConnectionOptions::Transport::Udp;
    const ssize_t n = ::read(stdinFd, buffer, udp ? 65507 : sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        // End of input: keep receiving until the peer closes (or a limit hits).
        m_stdinDone = true;
        m_stdinNotifier->setEnabled(false);
        if (n == 0 && m_options.connection.halfClose)
            m_session.finishSending();
        if (n < 0) {
            const QString why = tr("cannot read standard input: %1").arg(errnoText());
            diagnostic(why);
            stopWith(ExitCode::FileError, why);
        }
        return;
    }
    if (!sendOrStop(QByteArray(buffer, qsizetype(n)))) {
        m_stdinDone = true;
        m_stdinNotifier->setEnabled(false);
        return;
    }
    if (m_session.bytesToWrite() > stdinHighWater)
        m_stdinNotifier->setEnabled(false); // resumed by onBytesWritten
}

void HeadlessRunner::onBytesWritten()
{
    if (m_stdinNotifier && !m_stdinDone && !m_ended && !m_stdinNotifier->isEnabled()
        && m_session.bytesToWrite() < stdinLowWater)
        m_stdinNotifier->setEnabled(true);
}

void HeadlessRunner::prepareRecording()
{
    const bool saving = !m_options.savePath.isEmpty() && m_options.saveFormat;
    // Raw is the received bytes, which are exactly what Session::received
    // delivers, except the plain-text SMTP exchange before STARTTLS.
    if (saving && *m_options.saveFormat == TranscriptIO::Format::Raw && !m_printTranscript
        && m_options.connection.tls.startTls == TlsSettings::StartTls::None) {
        auto file = std::make_unique<QSaveFile>(m_options.savePath);
        // Unbuffered, as TranscriptIO::save: a failed write keeps its reason.
        if (file->open(QIODevice::WriteOnly | QIODevice::Unbuffered)
            && file->setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
            m_rawSave = std::move(file);
        }
        // Otherwise saved from the transcript at the end, which reports why not.
    }
    m_session.setRecordData(m_printTranscript || (saving && !m_rawSave));
}

void HeadlessRunner::onReceived(const QByteArray &bytes)
{
    if (m_rawSave && m_rawSave->error() == QFileDevice::NoError)
        m_rawSave->write(bytes);
    if (m_outputDone || m_printTranscript)
        return;
    switch (writeAll(stdoutFd, bytes.constData(), bytes.size())) {
    case WriteResult::Written:
        return;
    case WriteResult::Interrupted:
        // The signal's own handler ends the run; the rest of the output is dropped.
        m_outputDone = true;
        return;
    case WriteResult::ReaderGone:
        // A reader that went away (`| head`) is not an error: end quietly.
        m_outputDone = true;
        QTimer::singleShot(0, this, [this] {
            stopWith(ExitCode::Success, tr("standard output closed"));
        });
        return;
    case WriteResult::Failed: {
        m_outputDone = true;
        const QString why = tr("cannot write to standard output: %1").arg(errnoText());
        diagnostic(why);
        QTimer::singleShot(0, this, [this, why] { stopWith(ExitCode::FileError, why); });
        return;
    }
    }
}

void HeadlessRunner::stopWith(ExitCode code, const QString &why)
{
    if (m_stopCode || m_ended)
        return;
    m_stopCode = code;
    if (m_session.isActive())
        m_session.abort(why); // ends through onSessionFinished
    else
        end(code);
}

void HeadlessRunner::onSessionFinished(Session::EndReason reason)
{
    if (m_stopCode) {
        end(*m_stopCode);
        return;
    }
    if (reason == Session::EndReason::Error) {
        diagnostic(m_session.errorString());
        if (m_session.error() == Session::Error::CertificateRejected)
            explainRejection();
        end(exitCodeForError(m_session.error()));
        return;
    }
    end(ExitCode::Success);
}

void HeadlessRunner::onSignal()
{
    bool interrupted = false;
    char bytes[16];
    ssize_t n;
    while ((n = ::read(g_signalPipe[0], bytes, sizeof bytes)) > 0) {
        for (ssize_t i = 0; i < n; ++i)
            interrupted |= bytes[i] == 'I';
    }
    // SIGALRM only wakes a blocked write; the overall timer ends the run.
    if (!interrupted || m_stopCode || m_ended)
        return;
    diagnostic(tr("interrupted"));
    stopWith(ExitCode::Interrupted, tr("interrupted"));
}

ExitCode exitCodeForError(Session::Error error)
{
    switch (error) {
    case Session::Error::None:
        return ExitCode::Success;
    case Session::Error::HostNotFound:
        return ExitCode::HostNotFound;
    case Session::Error::ConnectionRefused:
    case Session::Error::NetworkUnreachable:
        return ExitCode::ConnectionRefused;
    case Session::Error::ConnectTimeout:
        return ExitCode::TimedOut;
    case Session::Error::ResetByPeer:
        return ExitCode::ResetByPeer;
    case Session::Error::TlsHandshakeFailed:
    case Session::Error::CertificateRejected:
        return ExitCode::TlsFailed;
    case Session::Error::ProxyFailed:
        return ExitCode::ProxyError;
    case Session::Error::DatagramTooLarge:
    case Session::Error::SocketError:
        return ExitCode::SocketError;
    }
    return ExitCode::SocketError;
}

void HeadlessRunner::diagnostic(const QString &line)
{
    const QByteArray bytes = QStringLiteral("socketeer: %1\n").arg(line).toLocal8Bit();
    writeAll(stderrFd, bytes.constData(), bytes.size());
}

void HeadlessRunner::end(ExitCode code)
{
    if (m_ended)
        return;
    m_ended = true;
    m_overallTimer.stop();
    if (m_signalNotifier)
        ::setitimer(ITIMER_REAL, nullptr, nullptr);
    if (m_stdinNotifier)
        m_stdinNotifier->setEnabled(false);

    const std::shared_ptr<Transcript> transcript = m_session.transcript();
    if (m_printTranscript && transcript) {
        QFile out;
        if (out.open(stdoutFd, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            QString error;
            TranscriptIO::write(*transcript, TranscriptIO::Format::Text, &out, &error);
        }
    }
    if (m_rawSave) {
        if (!m_rawSave->commit()) {
            diagnostic(QCoreApplication::translate("TranscriptIO", "Cannot save %1: %2")
                           .arg(QDir::toNativeSeparators(m_options.savePath), m_rawSave->errorString()));
            if (code == ExitCode::Success)
                code = ExitCode::FileError;
        }
        m_rawSave.reset();
    } else if (!m_options.savePath.isEmpty() && transcript && m_options.saveFormat) {
        QString error;
        if (!TranscriptIO::save(*transcript, *m_options.saveFormat, m_options.savePath, &error)) {
            diagnostic(error);
            // A network failure or an interruption stays the primary cause.
            if (code == ExitCode::Success)
                code = ExitCode::FileError;
        }
    }
    qCDebug(lcCli) << "exit" << toInt(code);
    const int exitCode = toInt(code);
    QTimer::singleShot(0, this, [this, exitCode] { Q_EMIT finished(exitCode); });
}

int runHeadless(int &argc, char **argv, const CommandLineOptions &options)
{
    QCoreApplication app(argc, argv);
    HeadlessRunner runner(options);
    runner.installSignalHandlers();
    QObject::connect(&runner, &HeadlessRunner::finished, &app, &QCoreApplication::exit);
    runner.start();
    return app.exec();
}

int runHeadlessDemo(int &argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DemoServer server;
    if (!server.start()) {
        const QByteArray message = QStringLiteral("socketeer: cannot start the demo server: %1\n")
                                       .arg(server.errorString())
                                       .toLocal8Bit();
        writeAll(stderrFd, message.constData(), message.size());
        return toInt(ExitCode::SocketError);
    }
    CommandLineOptions options;
    options.action = CommandLineOptions::Action::Headless;
    options.host = server.address().toString();
    options.port = server.port();
    HeadlessRunner runner(options);
    runner.installSignalHandlers();
    runner.setPrintTranscript(true);
    const QString request = RequestCodec::presetText(RequestCodec::Preset::Http11GetClose, options.host, options.port);
    runner.addRequest(RequestCodec::encode(request, RequestCodec::Mode::Text, RequestCodec::LineEnding::CRLF).bytes);
    QObject::connect(&runner, &HeadlessRunner::finished, &app, &QCoreApplication::exit);
    runner.start();
    return app.exec();
}
