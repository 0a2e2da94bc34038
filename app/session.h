#pragma once

#include <functional>
#include <memory>

#include <QHostAddress>
#include <QList>
#include <QNetworkProxy>
#include <QObject>
#include <QString>
#include <QTimer>

#include "connectionoptions.h"
#include "smtpstarttls.h"
#include "tlsinfo.h"
#include "transcript.h"

class DatagramChannel;
class QHostInfo;
class QSslError;
class QSslSocket;
class QTcpSocket;
class QUdpSocket;

// One conversation with a peer, event-driven (never waitFor*): TCP, TLS over
// TCP (from the start or upgraded with STARTTLS), or UDP, directly or through
// a proxy, as its ConnectionOptions say.
//
// Each connectToHost() starts a new Transcript that records every chunk and
// event of that connection. The session reports through its state, error
// and signals; it never touches a widget.
//
// Re-entrancy: slots connected to any signal may call abort(),
// disconnectFromHost(), connectToHost() or even delete the session (with
// deleteLater()); the session checks its state after every emission and
// never touches a socket it has given up.
class Session : public QObject
{
    Q_OBJECT
public:
    // Handshaking: TCP is up, the TLS handshake (or the STARTTLS exchange
    // before it) is running; nothing can be sent yet.
    enum class State { Idle, LookingUp, Connecting, Handshaking, Connected, Closing, Closed };
    Q_ENUM(State)

    enum class Error {
        None,
        HostNotFound,
        ConnectionRefused,
        NetworkUnreachable,
        ConnectTimeout,
        ResetByPeer,
        TlsHandshakeFailed,  // protocol failure, peer refused us, STARTTLS refused...
        CertificateRejected, // verification failed; tlsProblems() says why
        ProxyFailed,         // proxy refused, unreachable, bad credentials, or could not reach the target
        DatagramTooLarge,    // UDP: a datagram larger than the path allows (the session stays open)
        SocketError, // anything else; errorString() says which
    };
    Q_ENUM(Error)

    // Why the session reached Closed.
    enum class EndReason { None, ClosedByPeer, ClosedByUser, IdleTimeout, Error };
    Q_ENUM(EndReason)

    static constexpr int defaultConnectTimeoutMs = 10000;
    // The most a TCP socket reads from the kernel at once: the largest
    // chunk received() delivers.
    static constexpr qint64 readBufferSize = 1024 * 1024;
    // The most one wake-up of a plain TCP socket reads before the event
    // loop runs again: a flood cannot starve timers, input or painting.
    static constexpr qint64 readBudget = 4 * readBufferSize;

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    // Whole connect, lookup and every address tried included. > 0.
    void setConnectTimeout(int ms);
    int connectTimeout() const { return m_connectTimeoutMs; }
    // Closes the connection after this long without data either way; 0 = off.
    void setIdleTimeout(int ms);
    int idleTimeout() const { return m_idleTimeoutMs; }

    // Transport, addresses, proxy and TLS of the next connectToHost(); the
    // current connection keeps the options it started with.
    void setOptions(const ConnectionOptions &options) { m_options = options; }
    const ConnectionOptions &options() const { return m_options; }

    // Starts connecting; allowed in Idle and Closed. `host` is a name or an
    // IPv4/IPv6 literal, IPv6 with or without brackets ("::1", "[::1]").
    // Returns false (and changes nothing) in any other state.
    bool connectToHost(const QString &host, quint16 port);
    // Orderly close by the user: pending data is written first, for at most
    // the connect timeout; then the connection is dropped.
    void disconnectFromHost();
    // Immediate close (also cancels a lookup or connect). `why` goes into the
    // transcript's "disconnected" event; empty means "by the user".
    void abort(const QString &why = QString());

    // Queues bytes for sending, in call order. Refused unless Connected:
    // returns false and sets whyNot to a message for the user. The
    // transcript records the bytes when they are queued; bytesSent() counts
    // what the socket has written, and an end with bytes still queued is
    // recorded as an "unsent" event.
    bool send(const QByteArray &bytes, QString *whyNot = nullptr);
    // Bytes queued but not yet written to the socket.
    qint64 bytesToWrite() const;
    // UDP: why the last send() was refused: DatagramTooLarge (the session
    // goes on; the transcript records a "send_failed" event),
    // ConnectionRefused (an ICMP "port unreachable" came back for an earlier
    // datagram; the session ends with that error from the event loop),
    // SocketError, or None.
    Error lastSendError() const { return m_lastSendError; }

    // TCP half-close: once everything queued is written, closes our sending
    // side (FIN, shutdown(SHUT_WR)) and records "half_closed"; the session
    // keeps receiving until the peer closes. Later sends are refused. The
    // headless runner calls it after its last send when
    // ConnectionOptions::halfClose is set; the window does so after Send.
    // false with whyNot set unless Connected over TCP.
    bool finishSending(QString *whyNot = nullptr);
    bool isSendingFinished() const { return m_finishSending; }

    // Upgrades a plain TCP connection to TLS (the user typed STARTTLS and the
    // peer agreed). Plain-text bytes already received but not yet read are
    // discarded and recorded as such, never treated as protected. Allowed
    // only when Connected over plain TCP; false with whyNot set otherwise.
    bool startTls(QString *whyNot = nullptr);
    bool isEncrypted() const;
    // After the handshake: protocol, cipher, ALPN and the peer's chain.
    const TlsDetails &tlsDetails() const { return m_tlsDetails; }
    // After Error::CertificateRejected: every reason, and the chain the peer sent.
    const QList<TlsProblem> &tlsProblems() const { return m_tlsProblems; }
    const QList<CertificateInfo> &rejectedChain() const { return m_rejectedChain; }

    // Replaces the system resolver, e.g. in tests: called with a host name
    // (never an address literal), it returns the addresses to try in order;
    // an empty list means "host not found". The answer is delivered
    // asynchronously, like the system resolver's.
    using Resolver = std::function<QList<QHostAddress>(const QString &host)>;
    void setResolver(Resolver resolver) { m_resolver = std::move(resolver); }

    // Makes each connection's transcript (where and whether it is stored;
    // see Transcript). Called once per connectToHost(); the session then sets
    // the peer and starts it. Null (the default) or a null result: a plain
    // Transcript().
    using TranscriptFactory = std::function<std::shared_ptr<Transcript>(const QString &host, quint16 port)>;
    void setTranscriptFactory(TranscriptFactory factory) { m_transcriptFactory = std::move(factory); }
    // Whether sent and received bytes go into the transcript (events always
    // do). On by default; off for runs that keep no transcript data, such as
    // a headless run that saves nothing.
    void setRecordData(bool record) { m_recordData = record; }
    bool recordsData() const { return m_recordData; }

    State state() const { return m_state; }
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    EndReason endReason() const { return m_endReason; }
    bool isActive() const; // LookingUp, Connecting, Handshaking, Connected or Closing

    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QList<QHostAddress> resolvedAddresses() const { return m_addresses; }
    QHostAddress peerAddress() const { return m_peerAddress; }

    qint64 bytesSent() const { return m_bytesSent; }         // written to the socket
    qint64 bytesReceived() const { return m_bytesReceived; }

    // The transcript of the current (or last) connection; null before the
    // first connectToHost(). Shared so that a viewer can keep it alive.
    std::shared_ptr<Transcript> transcript() const { return m_transcript; }

    static QString stateName(State state);      // "Idle", "Looking up host"...
    static QString errorMessage(Error error);   // generic human message
    // "[::1]:80" or "127.0.0.1:80" or "example.org:80"
    static QString formatEndpoint(const QHostAddress &address, quint16 port);
    static QString formatEndpoint(const QString &host, quint16 port);
    // Strips brackets from an IPv6 literal; leaves anything else untouched.
    static QString normalizeHost(const QString &host);

Q_SIGNALS:
    void stateChanged(Session::State state);
    void transcriptStarted(std::shared_ptr<Transcript> transcript);
    void hostResolved(const QList<QHostAddress> &addresses);
    void connected(const QHostAddress &address, quint16 port);
    // The TLS handshake succeeded; the session is Connected and encrypted.
    void encrypted(const TlsDetails &details);
    // Verification failed; emitted just before errorOccurred(CertificateRejected).
    void certificateRejected(const QList<TlsProblem> &problems, const QList<CertificateInfo> &chain);
    // UDP: a datagram arrived (also recorded, and emitted through received()).
    void datagramReceived(const QByteArray &bytes, const QHostAddress &from, quint16 fromPort);
    // Bytes from the peer, in order, at most readBufferSize at a time. A slot
    // that keeps the array (rather than copying out of it) may hold a
    // buffer of readBufferSize for a smaller chunk.
    void received(const QByteArray &bytes);
    void bytesWritten(qint64 total);
    // Emitted once when the session fails; it then reaches Closed.
    void errorOccurred(Session::Error error, const QString &message);
    // Entered Closed, for whatever reason.
    void finished(Session::EndReason reason);

private:
    // Emits stateChanged; false if a slot ended or restarted the connection.
    bool setState(State state);
    void onLookedUp(const QList<QHostAddress> &addresses, bool found);
    void tryNextAddress();
    void onSocketConnected();
    // Network side (session_net.cpp): proxy, addresses, local bind, UDP, half-close.
    void chooseProxy();
    void failLater(Error error, const QString &message);
    bool prepareSocket();
    void recordConnected(quint16 peerPort);
    void releaseDatagram();
    void startDatagram(const QHostAddress &address);
    bool sendDatagram(const QByteArray &bytes, QString *whyNot);
    void onDatagram(const QByteArray &bytes, const QHostAddress &from, quint16 fromPort);
    void halfCloseWhenWritten();
    bool isProxied() const;
    void onReadyRead();
    void onSocketError();
    void onSocketDisconnected();
    void onConnectTimeout();
    void onIdleTimeout();
    void fail(Error error, const QString &message);
    // The one way to Closed: records the last bytes and `event`, gives up the
    // socket, then emits received (last bytes), errorOccurred (if `error`),
    // stateChanged and finished, stopping if a slot starts a new connection.
    void end(EndReason reason, Error error, const QString &message, const QString &event, const QString &detail);
    QByteArray takeReceived();
    // Counts, records and keeps the idle timer alive for bytes just read.
    void noteReceived(const QByteArray &bytes);
    // Plain TCP: reads what the kernel holds straight from the descriptor,
    // up to readBudget, emitting received() per chunk.
    void readDirectly();
    void readAgainIfBuffered();
    void releaseSocket();
    void restartIdleTimer();
    bool peerResetConnection() const;
    // Runs `function` from the event loop unless the connection changed meanwhile.
    template<typename Function>
    void later(Function function);

    // TLS (sessiontls.cpp). Every TCP socket is a QSslSocket, unencrypted
    // until startHandshake().
    QSslSocket *sslSocket() const;
    // TCP is up and the options ask for TLS: the SMTP exchange, or the handshake.
    void beginTlsPhase();
    // Loads the files and starts the handshake; Handshaking. An upgrade
    // first discards the plain text buffered so far (`alreadyDiscarded`
    // bytes were dropped by the caller). false if the session ended or
    // restarted meanwhile.
    enum class TlsStart { Direct, Upgrade };
    bool startHandshake(TlsStart how, qint64 alreadyDiscarded = 0);
    void onSmtpReadyRead();
    void onSslErrors(const QList<QSslError> &errors);
    void finishHandshake();
    void onHandshakeSocketError(int socketError, const QString &socketMessage);

    State m_state = State::Idle;
    Error m_error = Error::None;
    QString m_errorString;
    EndReason m_endReason = EndReason::None;

    QString m_host;
    quint16 m_port = 0;
    QList<QHostAddress> m_addresses;
    int m_nextAddress = 0;
    Error m_lastAttemptError = Error::None;
    QString m_lastAttemptMessage;
    QHostAddress m_peerAddress;
    int m_lookupId = -1;
    Resolver m_resolver;
    ConnectionOptions m_options;      // as given by setOptions()
    ConnectionOptions m_activeOptions; // of the current connection
    TlsDetails m_tlsDetails;
    QList<TlsProblem> m_tlsProblems;
    QList<CertificateInfo> m_rejectedChain;
    std::unique_ptr<SmtpStartTls> m_smtp; // during the SMTP exchange before STARTTLS
    bool m_tlsEstablished = false;        // handshake done on the current connection
    quint64 m_generation = 0; // bumped by every connectToHost() and end()

    QTcpSocket *m_socket = nullptr;
    DatagramChannel *m_datagram = nullptr; // UDP instead of m_socket
    QNetworkProxy m_proxy{QNetworkProxy::NoProxy}; // of the current connection
    Error m_lastSendError = Error::None;
    bool m_finishSending = false; // finishSending() was called
    bool m_halfClosed = false;    // shutdown(SHUT_WR) done
    int m_shadowFd = -1; // dup of the socket, to tell RST from FIN after Qt closes its own
    bool m_readsDirectly = false; // plain TCP, no proxy: readDirectly() after Qt's own read
    QByteArray m_readChunk;       // readDirectly()'s buffer, reused while nobody else holds it

    int m_connectTimeoutMs = defaultConnectTimeoutMs;
    int m_idleTimeoutMs = 0;
    QTimer m_connectTimer;
    QTimer m_idleTimer;
    QTimer m_closeTimer;

    qint64 m_bytesSent = 0;
    qint64 m_bytesReceived = 0;
    std::shared_ptr<Transcript> m_transcript;
    TranscriptFactory m_transcriptFactory;
    bool m_recordData = true;
};
