//! The device's session and sync, provided to the whole app: who is signed in, the sync status,
//! a revision that moves whenever stored records change, and intent-named commands (sign in,
//! sign out, sync now, "I saved something").
//!
//! The provider elects one leader tab per device with the Web Locks API: the leader's workspace
//! worker runs the sync engine (the page tells it it was elected, the network's state and the
//! rep's commands, and hears its status, what it stored and the digest); the other tabs follow
//! it over a `BroadcastChannel` (its status, the records it stored) and tell it about their own
//! saves. When the leader closes, a follower is elected and its worker starts an engine.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::bridge::{self, page::Liveness};
use crate::hooks::{use_storage, StorageState};
use crate::leader::Leadership;
use crate::session::Session;
use crate::state::problem::Problem;
use crate::state::sync_status::{Connection, SyncStatus};
use crate::storage::DATABASE_NAME;
use crate::storage::{Storage, StorageError, Unsynced};
use crate::sync::api::{self, ApiError};
use crate::sync::SyncCommand;
use crate::tabs::{Subscription, TabChannel};
use crate::team::people::Person;
use crate::workspace::machine::{Event as WorkspaceEvent, TabNews};
use crate::workspace::service::{Outgoing, WorkspaceService};
use shared::ids::UserId;

const LEADER_LOCK: &str = "carnet-sync-leader";
const TAB_CHANNEL: &str = "carnet-tabs";

/// Who is signed in on this device.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// Storage is not read yet.
    Loading,
    /// Nobody: the sign-in page shows.
    SignedOut,
    /// Someone.
    SignedIn(Rc<Session>),
}

/// What tabs of one device tell each other.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum TabMessage {
    /// The leader's sync status.
    Status(SyncStatus),
    /// A tab asks the leader to repeat its status (it just opened).
    StatusWanted,
    /// Stored records changed (a save, or data from the relay): lists re-read their rows.
    RecordsChanged,
    /// A tab wrote local changes to the outbox.
    LocalChange,
    /// A tab asked to sync now.
    SyncNow,
    /// Someone signed in.
    SignedIn,
    /// The device was signed out and wiped.
    SignedOut,
    /// What colleagues changed while the device was away.
    Digest(Vec<crate::bridge::DigestEntry>),
    /// The workspace service's news (saves with the records they touched, imports).
    Workspace(TabNews),
}

/// The accounts colleagues changed while this device was away, with who changed each.
pub type Digest = Rc<Vec<crate::bridge::DigestEntry>>;

/// Why signing out did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum SignOutRefusal {
    /// Changes made here have not reached the relay; signing out would lose them.
    Unsynced(Unsynced),
    /// Storage could not be read or wiped.
    Storage(StorageError),
}

/// The parts that live as long as the provider, shared by every handle.
#[derive(Default)]
struct Shared {
    storage: RefCell<Option<Rc<Storage>>>,
    /// Whether this tab leads (its worker runs the sync engine).
    leading: Cell<bool>,
    channel: RefCell<Option<TabChannel<TabMessage>>>,
    subscription: RefCell<Option<Subscription>>,
    leadership: RefCell<Option<Leadership>>,
    listeners: RefCell<Vec<EventListener>>,
    workspace: RefCell<Option<WorkspaceService>>,
}

/// What pages can read of sync and do with it.
#[derive(Clone)]
pub struct SyncHandle {
    session: SessionState,
    status: SyncStatus,
    revision: u64,
    digest: Option<Digest>,
    set_digest: Callback<Option<Digest>>,
    shared: Rc<Shared>,
    set_session: Callback<SessionState>,
    bump: Callback<()>,
}

impl PartialEq for SyncHandle {
    fn eq(&self, other: &Self) -> bool {
        self.session == other.session
            && self.status == other.status
            && self.revision == other.revision
            && self.digest == other.digest
            && Rc::ptr_eq(&self.shared, &other.shared)
    }
}

impl SyncHandle {
    /// Who is signed in.
    pub fn session(&self) -> &SessionState {
        &self.session
    }

    /// Who edits now: the signed-in person on this device (anyone, when nobody is), and the
    /// time.
    pub fn stamp(&self) -> shared::edit::Edit {
        shared::edit::Edit {
            editor: match &self.session {
                SessionState::SignedIn(session) => Some(session.editor()),
                SessionState::Loading | SessionState::SignedOut => None,
            },
            time: (js_sys::Date::now() / 1000.0) as i64,
        }
    }

    /// The sync status.
    pub fn status(&self) -> &SyncStatus {
        &self.status
    }

    /// A number that grows whenever stored records change; lists reload when it moves.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// After a reconnection: the accounts colleagues changed while this device was away.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// Hides the digest.
    pub fn dismiss_digest(&self) {
        self.set_digest.emit(None);
    }

    /// The workspace service: the one write path and the subscriptions (once storage is open).
    pub fn workspace(&self) -> Option<WorkspaceService> {
        self.shared.workspace.borrow().clone()
    }

    /// Reports that this tab stored local changes outside the save queue (an import, a restored
    /// backup): every view re-reads, other tabs are told, and the leader pushes them.
    pub fn saved_locally(&self) {
        match self.workspace() {
            Some(workspace) => workspace.event(WorkspaceEvent::Imported),
            None => self.command(SyncCommand::LocalChange, TabMessage::LocalChange),
        }
        self.bump.emit(());
    }

    /// Asks the browser to keep this device's data (persistent storage): after a first import
    /// or record, the moment it is worth asking.
    pub fn keep_storage(&self) {
        let Some(storage) = self.storage() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = storage.ensure_persistence().await {
                gloo::console::warn!(format!("persistence not recorded: {error}"));
            }
        });
    }

    /// Issues this device's next quote or order number of `series` for `year` (kept on the
    /// device before it is handed out: never issued twice, even by two tabs at once).
    pub async fn issue_number(
        &self,
        series: shared::sales::Series,
        year: u16,
    ) -> Result<shared::sales::DocumentNumber, Problem> {
        let SessionState::SignedIn(session) = &self.session else {
            return Err(Problem::new("problem-signed-out"));
        };
        let device = session
            .device_code
            .clone()
            .ok_or_else(|| Problem::new("problem-sales-no-device-code"))?;
        let storage = self
            .storage()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        storage
            .issue_number(&device, series, year)
            .await
            .map_err(|error| match error {
                crate::storage::IssueError::Storage(error) => error.problem(),
                crate::storage::IssueError::Numbering(_) => {
                    Problem::new("problem-sales-numbers-exhausted")
                }
            })
    }

    /// Syncs now rather than after the current wait.
    pub fn sync_now(&self) {
        self.command(SyncCommand::SyncNow, TabMessage::SyncNow);
    }

    /// Signs in, keeps the session on the device and starts syncing.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<(), Problem> {
        let storage = self
            .storage()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        let device_name = device_name();
        let session = api::sign_in(email, password, &device_name, None)
            .await
            .map_err(|error: ApiError| error.problem())?;
        self.signed_in_as(&storage, session).await
    }

    /// Accepts the invitation `code` as `name` with `password`: the person's account is made
    /// and this device signed in, as after [`SyncHandle::sign_in`].
    pub async fn join(&self, code: &str, name: &str, password: &str) -> Result<(), Problem> {
        let storage = self
            .storage()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        let session = api::accept_invitation(code, name, password, &device_name())
            .await
            .map_err(|error| error.problem())?;
        self.signed_in_as(&storage, session).await
    }

    /// Uses the password reset link `token`: the person's password becomes `password` and this
    /// device is signed in, as after [`SyncHandle::sign_in`].
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<(), Problem> {
        let storage = self
            .storage()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        let session = api::reset_password(token, password, &device_name())
            .await
            .map_err(|error| error.problem())?;
        self.signed_in_as(&storage, session).await
    }

    /// Keeps `session` and starts syncing as its person.
    async fn signed_in_as(&self, storage: &Storage, session: Session) -> Result<(), Problem> {
        storage
            .save_session(&session)
            .await
            .map_err(|error| error.problem())?;
        // Signing in is the engagement browsers reward with persistent storage.
        if let Err(error) = storage.ensure_persistence().await {
            gloo::console::warn!(format!("persistence not recorded: {error}"));
        }
        self.set_session
            .emit(SessionState::SignedIn(Rc::new(session)));
        self.command(SyncCommand::SignedIn, TabMessage::SignedIn);
        Ok(())
    }

    /// Signs out and erases this device's data, unless changes are unsynced and the rep has not
    /// accepted losing them (`accept_loss`).
    pub async fn sign_out(&self, accept_loss: bool) -> Result<(), SignOutRefusal> {
        let storage = self
            .storage()
            .ok_or(SignOutRefusal::Storage(StorageError::Aborted))?;
        let unsynced = storage.unsynced().await.map_err(SignOutRefusal::Storage)?;
        if unsynced.changes > 0 && !accept_loss {
            return Err(SignOutRefusal::Unsynced(unsynced));
        }
        if let Ok(Some(session)) = storage.session().await {
            // Best effort: offline, the server-side session expires on its own.
            if let Err(error) = api::sign_out(&session).await {
                gloo::console::warn!(format!("server sign-out: {error}"));
            }
        }
        self.command(SyncCommand::SignOut, TabMessage::SignedOut);
        storage.wipe().await.map_err(SignOutRefusal::Storage)?;
        if let Some(workspace) = self.workspace() {
            workspace.event(WorkspaceEvent::ChangedElsewhere);
        }
        self.set_session.emit(SessionState::SignedOut);
        self.bump.emit(());
        Ok(())
    }

    /// The signed-in person's devices, as the relay knows them.
    pub async fn devices(&self) -> Result<Vec<api::DeviceInfo>, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (devices, refreshed) = api::devices(&session).await.map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(devices)
    }

    /// The people directory kept on this device (empty before the first fetch).
    pub async fn stored_people(&self) -> Result<Vec<Person>, Problem> {
        let storage = self
            .storage()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        storage.people().await.map_err(|error| error.problem())
    }

    /// The workspace's people as the relay lists them now, kept on this device for offline use.
    pub async fn fetch_people(&self) -> Result<Vec<Person>, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (people, refreshed) = api::people(&session).await.map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        storage
            .save_people(&people)
            .await
            .map_err(|error| error.problem())?;
        Ok(people)
    }

    /// Invites `email` as `role`, joining `teams` and covering `territories` once they accept:
    /// the invitation's one-time code.
    pub async fn invite(
        &self,
        email: &str,
        role: &str,
        teams: &[String],
        territories: &[String],
    ) -> Result<api::Invitation, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (invitation, refreshed) = api::invite(&session, email, role, teams, territories)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(invitation)
    }

    /// The invitations waiting to be accepted (admins only).
    pub async fn pending_invitations(&self) -> Result<Vec<api::PendingInvitation>, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (pending, refreshed) = api::pending_invitations(&session)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(pending)
    }

    /// Cancels the pending invitation `id`: its link stops working.
    pub async fn cancel_invitation(&self, id: &str) -> Result<(), Problem> {
        let (storage, session) = self.signed_in().await?;
        let refreshed = api::cancel_invitation(&session, id)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(())
    }

    /// Disables the person `id` (an admin offboarding a colleague): every device of theirs is
    /// signed out at once and they can no longer sign in; their accounts and deals go to
    /// `reassign_to` in the same step when given. Answers how many records changed owner.
    pub async fn disable_person(
        &self,
        id: UserId,
        reassign_to: Option<UserId>,
    ) -> Result<usize, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (reassigned, refreshed) = api::disable_person(&session, id, reassign_to)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(reassigned)
    }

    /// Gives the accounts and deals the person `id` holds to `to` (an admin, for a person
    /// disabled earlier): how many records changed owner.
    pub async fn hand_over(&self, id: UserId, to: UserId) -> Result<usize, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (reassigned, refreshed) = api::hand_over(&session, id, to)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(reassigned)
    }

    /// Moves every account into the territory of its postcode (an admin, after redrawing the
    /// territories): how many accounts moved.
    pub async fn realign_territories(&self) -> Result<usize, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (moved, refreshed) = api::realign_territories(&session)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(moved)
    }

    /// Gives the person `id` a role and territories (an admin).
    pub async fn set_access(
        &self,
        id: UserId,
        role: &str,
        territories: &[String],
    ) -> Result<(), Problem> {
        let (storage, session) = self.signed_in().await?;
        let refreshed = api::set_access(&session, id, role, territories)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(())
    }

    /// The workspace's teams.
    pub async fn teams(&self) -> Result<Vec<api::Team>, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (teams, refreshed) = api::teams(&session).await.map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(teams)
    }

    /// Creates or replaces a team (an admin).
    pub async fn set_team(&self, team: &api::Team) -> Result<(), Problem> {
        let (storage, session) = self.signed_in().await?;
        let refreshed = api::set_team(&session, team)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(())
    }

    /// Makes a password reset link for the person `id` (admins only): its one-time token.
    pub async fn create_password_reset(&self, id: UserId) -> Result<api::PasswordReset, Problem> {
        let (storage, session) = self.signed_in().await?;
        let (reset, refreshed) = api::create_password_reset(&session, id)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(reset)
    }

    /// Removes device `id` (a lost tablet): it can no longer sync or sign in with its session.
    pub async fn revoke_device(&self, id: &str) -> Result<(), Problem> {
        let (storage, session) = self.signed_in().await?;
        let refreshed = api::revoke_device(&session, id)
            .await
            .map_err(|e| e.problem())?;
        keep_refreshed(&storage, refreshed).await;
        Ok(())
    }

    async fn signed_in(&self) -> Result<(Rc<Storage>, Session), Problem> {
        let storage = self
            .storage()
            .ok_or_else(|| Problem::new("problem-storage-not-ready"))?;
        match storage.session().await {
            Ok(Some(session)) => Ok((storage, session)),
            Ok(None) => Err(ApiError::SessionEnded.problem()),
            Err(error) => Err(error.problem()),
        }
    }

    fn storage(&self) -> Option<Rc<Storage>> {
        self.shared.storage.borrow().clone()
    }

    /// Runs `command` on this tab's engine if it leads, and tells the other tabs `message`.
    fn command(&self, command: SyncCommand, message: TabMessage) {
        self.shared.to_engine(command);
        if let Some(channel) = self.shared.channel.borrow().as_ref() {
            if let Err(error) = channel.post(&message) {
                gloo::console::warn!(format!("other tabs not told: {error}"));
            }
        }
    }
}

/// Props of [`SyncProvider`].
#[derive(Properties, PartialEq)]
pub struct SyncProviderProps {
    /// The app below the provider.
    pub children: Children,
}

/// Reads the session, elects the leader tab and provides [`SyncHandle`] to every hook below.
#[component]
pub fn SyncProvider(props: &SyncProviderProps) -> Html {
    let storage_state = use_storage();
    let session = use_state(|| SessionState::Loading);
    let status = use_state(SyncStatus::default);
    let revision = use_reducer(Revision::default);
    let digest = use_state(|| None::<Digest>);
    let shared = use_memo((), |()| Shared::default());
    {
        let shared = Rc::clone(&shared);
        let session = session.setter();
        let status = status.setter();
        let revision = revision.dispatcher();
        let digest = digest.setter();
        use_effect_with(storage_state, move |storage_state| {
            if let StorageState::Ready(storage) = storage_state {
                let setters = Setters {
                    session,
                    status,
                    revision,
                    digest,
                };
                start(&shared, Rc::clone(storage), setters);
            } else if let StorageState::Failed(_) = storage_state {
                session.set(SessionState::SignedOut);
            }
        });
    }
    let handle = SyncHandle {
        session: (*session).clone(),
        status: (*status).clone(),
        revision: revision.0,
        digest: (*digest).clone(),
        set_digest: {
            let digest = digest.setter();
            Callback::from(move |value| digest.set(value))
        },
        shared: Rc::clone(&shared),
        set_session: {
            let session = session.setter();
            Callback::from(move |state| session.set(state))
        },
        bump: {
            let revision = revision.dispatcher();
            Callback::from(move |()| revision.dispatch(()))
        },
    };
    html! {
        <ContextProvider<SyncHandle> context={handle}>
            { props.children.clone() }
        </ContextProvider<SyncHandle>>
    }
}

impl Shared {
    /// Hands `command` to the sync engine, if this tab leads (its worker runs it).
    fn to_engine(&self, command: SyncCommand) {
        if !self.leading.get() {
            return;
        }
        if let Some(workspace) = self.workspace.borrow().as_ref() {
            workspace.sync(command);
        }
    }
}

/// The provided sync handle; `None` outside of a [`SyncProvider`].
#[hook]
pub fn use_sync() -> Option<SyncHandle> {
    use_context::<SyncHandle>()
}

/// A counter of stored-record changes.
#[derive(Default, PartialEq)]
struct Revision(u64);

impl Reducible for Revision {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Self(self.0 + 1))
    }
}

/// The provider's state setters, handed to the tab channel and the engine.
#[derive(Clone)]
struct Setters {
    session: UseStateSetter<SessionState>,
    status: UseStateSetter<SyncStatus>,
    revision: UseReducerDispatcher<Revision>,
    digest: UseStateSetter<Option<Digest>>,
}

/// Wires storage, the tab channel and the leader election once storage is open.
fn start(shared: &Rc<Shared>, storage: Rc<Storage>, setters: Setters) {
    *shared.storage.borrow_mut() = Some(Rc::clone(&storage));
    let workspace = WorkspaceService::start(
        DATABASE_NAME,
        bridge::page::app_worker(),
        Liveness::default(),
    );
    workspace.connect(Box::new({
        let shared = Rc::downgrade(shared);
        let setters = setters.clone();
        let storage = Rc::clone(&storage);
        move |outgoing| match outgoing {
            Outgoing::SyncStatus(current) => {
                let revoked = matches!(
                    &current.connection,
                    Connection::Failed { problem } if problem.id == api::DEVICE_ERASED
                );
                post(&shared, &TabMessage::Status(current.clone()));
                setters.status.set(current);
                if revoked {
                    erase_revoked_device(&shared, &storage, &setters);
                }
            }
            Outgoing::RecordsChanged => {
                // This tab's own subscriptions were told by the worker; the revision and the
                // other tabs are told here (the worker sends this at most every 300 ms).
                setters.revision.dispatch(());
                post(&shared, &TabMessage::RecordsChanged);
            }
            Outgoing::Digest(named) => {
                post(&shared, &TabMessage::Digest(named.clone()));
                setters.digest.set(Some(Rc::new(named)));
            }
            Outgoing::TellTabs(news) => post(&shared, &TabMessage::Workspace(news)),
            Outgoing::Unavailable(problem) => {
                gloo::console::error!(format!("the workspace worker cannot store: {}", problem.id));
            }
        }
    }));
    *shared.workspace.borrow_mut() = Some(workspace);
    {
        let storage = Rc::clone(&storage);
        let session = setters.session.clone();
        wasm_bindgen_futures::spawn_local(async move {
            session.set(match storage.session().await {
                Ok(Some(found)) => SessionState::SignedIn(Rc::new(found)),
                Ok(None) | Err(_) => SessionState::SignedOut,
            });
        });
    }
    match TabChannel::<TabMessage>::open(TAB_CHANNEL) {
        Ok(channel) => {
            let subscription = channel.subscribe({
                let shared = Rc::downgrade(shared);
                let storage = Rc::clone(&storage);
                move |message| {
                    let Some(shared) = shared.upgrade() else {
                        return;
                    };
                    on_tab_message(&shared, &storage, message, &setters);
                }
            });
            if let Err(error) = channel.post(&TabMessage::StatusWanted) {
                gloo::console::warn!(format!("status not asked for: {error}"));
            }
            *shared.subscription.borrow_mut() = Some(subscription);
            *shared.channel.borrow_mut() = Some(channel);
        }
        Err(error) => gloo::console::warn!(format!("tabs cannot talk: {error}")),
    }
    let lead = {
        let shared = Rc::downgrade(shared);
        move || {
            if let Some(shared) = shared.upgrade() {
                lead(&shared);
            }
        }
    };
    match Leadership::campaign(LEADER_LOCK, lead.clone()) {
        Ok(leadership) => *shared.leadership.borrow_mut() = Some(leadership),
        Err(error) => {
            // Without Web Locks this tab syncs on its own (old browsers have one tab anyway).
            gloo::console::warn!(format!("no leader election: {error}"));
            lead();
        }
    }
}

/// This tab was elected: its worker starts the engine; the page tells it when the network or
/// the rep returns.
fn lead(shared: &Rc<Shared>) {
    shared.leading.set(true);
    let workspace = shared.workspace.borrow().clone();
    let Some(workspace) = workspace else {
        return;
    };
    workspace.event(WorkspaceEvent::Elected);
    workspace.sync(SyncCommand::Network {
        online: page_online(),
    });
    if let Some(window) = web_sys::window() {
        let mut listeners = shared.listeners.borrow_mut();
        for (event, command) in [
            ("online", SyncCommand::Network { online: true }),
            ("offline", SyncCommand::Network { online: false }),
            ("focus", SyncCommand::Wake),
        ] {
            let workspace = workspace.clone();
            listeners.push(EventListener::new(&window, event, move |_| {
                workspace.sync(command)
            }));
        }
    }
}

/// `navigator.onLine` as the page sees it (the browser's word, which DevTools' offline switch
/// changes too).
fn page_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

fn on_tab_message(shared: &Shared, storage: &Rc<Storage>, message: TabMessage, setters: &Setters) {
    let Setters {
        session,
        status,
        revision,
        digest,
    } = setters;
    let leading = shared.leading.get();
    let workspace = shared.workspace.borrow().clone();
    let changed_elsewhere = || {
        if let Some(workspace) = &workspace {
            workspace.event(WorkspaceEvent::ChangedElsewhere);
        }
    };
    match message {
        TabMessage::Status(current) => {
            if !leading {
                status.set(current);
            }
        }
        // The engine owns the status: re-reading the outbox makes it publish again.
        TabMessage::StatusWanted => shared.to_engine(SyncCommand::LocalChange),
        TabMessage::RecordsChanged => {
            changed_elsewhere();
            revision.dispatch(());
        }
        TabMessage::LocalChange => {
            // A tab of an older build, which does not describe its saves.
            changed_elsewhere();
            revision.dispatch(());
            shared.to_engine(SyncCommand::LocalChange);
        }
        TabMessage::SyncNow => shared.to_engine(SyncCommand::SyncNow),
        TabMessage::SignedIn => {
            let storage = Rc::clone(storage);
            let session = session.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(Some(found)) = storage.session().await {
                    session.set(SessionState::SignedIn(Rc::new(found)));
                }
            });
            shared.to_engine(SyncCommand::SignedIn);
        }
        TabMessage::Digest(named) => digest.set(Some(Rc::new(named))),
        TabMessage::Workspace(news) => {
            if let Some(workspace) = &workspace {
                workspace.event(WorkspaceEvent::FromTab(news));
            }
        }
        TabMessage::SignedOut => {
            changed_elsewhere();
            shared.to_engine(SyncCommand::SignOut);
            session.set(SessionState::SignedOut);
            revision.dispatch(());
        }
    }
}

/// An administrator revoked this device (or disabled its person): the relay said so at its
/// first contact since. Its copy of the workspace is erased at once, unsynced changes included
/// (they could never sync), every tab signs out, and the sign-in page follows.
fn erase_revoked_device(shared: &Weak<Shared>, storage: &Rc<Storage>, setters: &Setters) {
    let shared = Weak::clone(shared);
    let storage = Rc::clone(storage);
    let setters = setters.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(shared) = shared.upgrade() {
            shared.to_engine(SyncCommand::SignOut);
            post(&Rc::downgrade(&shared), &TabMessage::SignedOut);
        }
        if let Err(error) = storage.wipe().await {
            gloo::console::error!(format!("a revoked device could not erase: {error}"));
        }
        if let Some(shared) = shared.upgrade() {
            if let Some(workspace) = shared.workspace.borrow().as_ref() {
                workspace.event(WorkspaceEvent::ChangedElsewhere);
            }
        }
        setters.session.set(SessionState::SignedOut);
        setters.revision.dispatch(());
    });
}

/// Keeps a session the API refreshed.
async fn keep_refreshed(storage: &Storage, refreshed: Option<Session>) {
    if let Some(session) = refreshed {
        if let Err(error) = storage.save_session(&session).await {
            gloo::console::warn!(format!("refreshed session not kept: {error}"));
        }
    }
}

/// Tells the other tabs `message`, if the provider and its channel still exist.
fn post(shared: &std::rc::Weak<Shared>, message: &TabMessage) {
    let Some(shared) = shared.upgrade() else {
        return;
    };
    let posted = match shared.channel.borrow().as_ref() {
        Some(channel) => channel.post(message),
        None => Ok(()),
    };
    if let Err(error) = posted {
        gloo::console::warn!(format!("other tabs not told: {error}"));
    }
}

/// A name for this device in the rep's device list ("Chrome on Linux").
fn device_name() -> String {
    let agent = web_sys::window()
        .and_then(|window| window.navigator().user_agent().ok())
        .unwrap_or_default();
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .into_iter()
        .find(|marker| agent.contains(marker))
        .map_or("Browser", |marker| match marker {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = ["iPad", "iPhone", "Android", "Windows", "Mac OS", "Linux"]
        .into_iter()
        .find(|marker| agent.contains(marker))
        .unwrap_or("an unknown system");
    format!("{browser} on {system}")
}
