#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "connectionoptions.h"
#include "requestcodec.h"
#include "transcripthistory.h"
#include "transcriptio.h"

class QSettings;

// A certificate the user chose to trust for one host and port, by its
// SHA-256 fingerprint (not a secret).
struct TrustedCertificate {
    QString endpoint;   // Session::formatEndpoint(host, port): "example.org:443", "[::1]:8443"
    QByteArray sha256;  // 32 bytes
    QString subject;    // for display only
    QDateTime added;    // UTC

    bool operator==(const TrustedCertificate &other) const
    {
        return endpoint == other.endpoint && sha256 == other.sha256;
    }
};

// The window's remembered state, in QSettings (organization and application
// "Socketeer"). The file is private: it is created 0600 before QSettings
// writes to it, every sync() leaves it 0600, and a settings folder this
// class creates is 0700.
//
// Getters return defaults for missing or unreadable values. Setters only
// change memory; sync() writes.
class AppSettings
{
public:
    static constexpr int maxRecentHosts = 10;

    // The user's settings (QSettings native format, user scope).
    AppSettings();
    // Settings in an INI file at `fileName` (tests, portable setups).
    explicit AppSettings(const QString &fileName);
    ~AppSettings(); // syncs

    AppSettings(const AppSettings &) = delete;
    AppSettings &operator=(const AppSettings &) = delete;

    QString fileName() const;

    QString host() const;
    void setHost(const QString &host);
    // Most recent first, at most maxRecentHosts, no duplicates.
    QStringList recentHosts() const;
    // Moves (or adds) `host` to the front of the recent hosts.
    void addRecentHost(const QString &host);
    quint16 port() const; // 80 when unset
    void setPort(quint16 port);

    QString requestText() const;
    void setRequestText(const QString &text);
    RequestCodec::Mode requestMode() const;
    void setRequestMode(RequestCodec::Mode mode);
    RequestCodec::LineEnding lineEnding() const; // CRLF when unset
    void setLineEnding(RequestCodec::LineEnding lineEnding);

    bool showTimestamps() const; // false when unset
    void setShowTimestamps(bool show);
    bool wrapLines() const; // false when unset (wrapping slows a flood down)
    void setWrapLines(bool wrap);
    bool showHex() const; // false when unset: the transcript as text
    void setShowHex(bool hex);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    QByteArray splitterState() const;
    void setSplitterState(const QByteArray &state);

    // Folder last used in a file dialog; empty when unset.
    QString lastDirectory() const;
    void setLastDirectory(const QString &directory);
    // Format of the last transcript saved; nullopt when unset or unknown.
    std::optional<TranscriptIO::Format> lastSaveFormat() const;
    void setLastSaveFormat(TranscriptIO::Format format);

    // Autosave: every session's transcript is kept in the history
    // (TranscriptHistory); on when unset.
    bool autosave() const;
    void setAutosave(bool on);
    // The history's retention limits; TranscriptHistory::Limits() (50
    // sessions, 2 GiB) when unset. Values below 1 session or 1 MiB are
    // raised to those minimums.
    TranscriptHistory::Limits historyLimits() const;
    void setHistoryLimits(const TranscriptHistory::Limits &limits);
    // Ids of recovered stores already announced at start, so that each
    // recovery is announced once.
    QStringList announcedRecoveries() const;
    void setAnnouncedRecoveries(const QStringList &ids);

    // Transport, addresses, proxy and TLS for the window's connections.
    // Never holds secrets or pins: the setter stores
    // options.withoutSecrets() without tls.pins and tls.insecure, and the
    // getter returns them empty. Unknown or invalid values fall back to the
    // defaults of ConnectionOptions.
    ConnectionOptions connectionOptions() const;
    void setConnectionOptions(const ConnectionOptions &options);

    // Certificates trusted by fingerprint, in the order they were added;
    // entries with an invalid fingerprint or no endpoint are skipped.
    QList<TrustedCertificate> trustedCertificates() const;
    void setTrustedCertificates(const QList<TrustedCertificate> &certificates);
    // The fingerprints trusted for `endpoint`.
    QList<QByteArray> trustedFingerprints(const QString &endpoint) const;

    // Writes to disk and makes the file owner-only (0600). Returns false if
    // the file could not be written or its mode could not be set.
    bool sync();

private:
    void prepareFile();

    std::unique_ptr<QSettings> m_settings;
};
