#pragma once

#include <QList>
#include <QTreeWidget>

#include "tlsinfo.h"

// A structured view of a TLS peer: one top-level node for the negotiated
// session (protocol, cipher, ALPN), one for the reasons verification
// failed (if it did), and one per certificate of the chain, peer first,
// with a child row per field (subject, issuer, validity, subject
// alternative names, SHA-256 fingerprint, key type and size, serial).
// Two columns: field and value. Values are plain text; a screen reader
// reads each row as "field, value".
class CertificateTree : public QTreeWidget
{
    Q_OBJECT
public:
    explicit CertificateTree(QWidget *parent = nullptr);

    // After a successful handshake.
    void setDetails(const TlsDetails &details);
    // After a verification failure: the reasons, then the chain.
    void setRejected(const QList<TlsProblem> &problems, const QList<CertificateInfo> &chain);
    // The chain alone.
    void setChain(const QList<CertificateInfo> &chain);
    void clearAll();

    const QList<CertificateInfo> &certificates() const { return m_chain; }
    // Copy (Ctrl+C, and in the context menu): the current row's value, e.g.
    // a whole fingerprint the column shows elided.
    QAction *copyAction() const { return m_copy; }
    // The certificate the current item belongs to (its node or one of its
    // fields); -1 when none is selected.
    int selectedCertificate() const;

    // "2026-11-25 19:00:00 UTC"
    static QString formatTime(const QDateTime &utc);
    // "EC, 256 bits"
    static QString formatKey(const CertificateInfo &info);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitFieldColumn();
    void addSession(const TlsDetails &details);
    void addProblems(const QList<TlsProblem> &problems);
    void addChain(const QList<CertificateInfo> &chain);
    QTreeWidgetItem *addRow(QTreeWidgetItem *parent, const QString &field, const QString &value,
                            int certificate = -1);

    QList<CertificateInfo> m_chain;
    QAction *m_copy = nullptr;
};
