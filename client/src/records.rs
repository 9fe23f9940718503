//! Record pages: an account's 360° page, a contact and a deal, each opened as an Automerge
//! document, edited field by field, with history, conflicts and related records. Pure view logic
//! (`*_view`, `field_input`, `history_view`, `typed_text`) builds on every target; the pages,
//! hooks and components exist on wasm32 only.

#[cfg(target_arch = "wasm32")]
mod account_editor;
#[cfg(target_arch = "wasm32")]
mod account_page;
pub mod account_view;
#[cfg(target_arch = "wasm32")]
mod activity_timeline;
#[cfg(target_arch = "wasm32")]
mod contact_page;
#[cfg(target_arch = "wasm32")]
mod contact_point_edits;
#[cfg(target_arch = "wasm32")]
mod contact_points;
pub mod contact_view;
#[cfg(target_arch = "wasm32")]
mod deal_page;
pub mod deal_view;
pub mod field_input;
#[cfg(target_arch = "wasm32")]
mod history_panel;
pub mod history_view;
pub mod lifecycle_view;
#[cfg(target_arch = "wasm32")]
mod record_fields;
#[cfg(target_arch = "wasm32")]
mod record_tabs;
pub mod record_view;
#[cfg(target_arch = "wasm32")]
mod related_list;
#[cfg(target_arch = "wasm32")]
mod suggested_stage;
#[cfg(target_arch = "wasm32")]
mod task_list;
pub mod typed_text;
#[cfg(target_arch = "wasm32")]
mod use_account;
#[cfg(target_arch = "wasm32")]
mod use_contact;
#[cfg(target_arch = "wasm32")]
mod use_deal;
#[cfg(target_arch = "wasm32")]
mod use_document;
#[cfg(target_arch = "wasm32")]
mod use_history;
#[cfg(target_arch = "wasm32")]
mod use_related;

#[cfg(target_arch = "wasm32")]
pub use account_editor::{inline_account_paths, stage_label_id, AccountEdit, AccountEditor};
#[cfg(target_arch = "wasm32")]
pub use account_page::AccountPage;
#[cfg(target_arch = "wasm32")]
pub use activity_timeline::{ActivityTimeline, ReportEdit};
#[cfg(target_arch = "wasm32")]
pub use contact_page::ContactPage;
#[cfg(target_arch = "wasm32")]
pub use contact_point_edits::Reachable;
#[cfg(target_arch = "wasm32")]
pub use contact_points::{ContactPoints, PointEdit};
#[cfg(target_arch = "wasm32")]
pub use deal_page::DealPage;
#[cfg(target_arch = "wasm32")]
pub use history_panel::{owner_text, HistoryPanel};
#[cfg(target_arch = "wasm32")]
pub use record_fields::{
    event_checked, event_value, refusal, today, Choice, ChoiceField, ChoiceOption, ConflictChoices,
    ConflictList, EditableField, FieldInput,
};
#[cfg(target_arch = "wasm32")]
pub use record_tabs::RecordTabs;
#[cfg(target_arch = "wasm32")]
pub use related_list::{RelatedItem, RelatedList};
#[cfg(target_arch = "wasm32")]
pub use task_list::{NewTask, TaskList, TaskToggle};
#[cfg(target_arch = "wasm32")]
pub use use_account::{use_account, AccountHandle, AddressPart};
#[cfg(target_arch = "wasm32")]
pub use use_contact::{use_contact, ContactHandle, ContactText};
#[cfg(target_arch = "wasm32")]
pub use use_deal::{use_deal, DealHandle};
#[cfg(target_arch = "wasm32")]
pub use use_document::{use_document, DocumentHandle};
#[cfg(target_arch = "wasm32")]
pub use use_history::{use_history, HistoryHandle};
#[cfg(target_arch = "wasm32")]
pub use use_related::{
    use_account_names, use_account_relations, use_workspace_settings, AccountName, AccountRelations,
};
