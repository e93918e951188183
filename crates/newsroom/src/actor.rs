//! Who does something: the [`Caller`] of an editorial request, and the [`Actor`] the audit
//! log records (a caller, the scheduler, an import, or an anonymous login attempt).

use newsdesk_domain::{permissions, Action, Role};

use crate::error::NewsroomError;

/// Who did something, and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// `user`, `api_key`, `system` (the scheduler) or `anonymous` (a failed login).
    pub kind: &'static str,
    pub id: Option<String>,
    pub label: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
}

impl Actor {
    /// Someone not logged in, e.g. a login attempt.
    pub fn anonymous(request_id: Option<String>, client_ip: Option<String>, label: Option<String>) -> Self {
        Self { kind: "anonymous", id: None, label, request_id, client_ip }
    }

    /// The server itself, e.g. the scheduler.
    pub fn system(label: &str) -> Self {
        Self { kind: "system", label: Some(label.to_owned()), ..Self::default() }
    }
}

/// The caller of an editorial use case: a live account, or an API key acting for the admin who
/// created it. The API loads it fresh on every request, so a disabled account or a changed role
/// takes effect at once.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user acting; for an API key, the admin who created it.
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub author_id: Option<String>,
    /// Set when the caller used an API key rather than a login: its id and name.
    pub key: Option<(String, String)>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
}

impl Caller {
    /// Refused unless the permission table allows `action` for this caller's role.
    pub fn require(&self, action: Action) -> Result<(), NewsroomError> {
        if permissions::can(self.role, action) {
            Ok(())
        } else {
            Err(NewsroomError::Forbidden(format!("the {} role may not do this", self.role.as_str())))
        }
    }

    /// Whether the role sees other people's articles.
    pub fn sees_all_articles(&self) -> bool {
        permissions::can(self.role, Action::ReadOthersArticles)
    }

    /// This caller as the audit log records it.
    pub fn actor(&self) -> Actor {
        let (kind, id, label) = match &self.key {
            Some((id, name)) => ("api_key", id.clone(), name.clone()),
            None => ("user", self.id.clone(), self.email.clone()),
        };
        Actor {
            kind,
            id: Some(id),
            label: Some(label),
            request_id: self.request_id.clone(),
            client_ip: self.client_ip.clone(),
        }
    }
}
