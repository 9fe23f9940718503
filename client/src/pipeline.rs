//! The pipeline board: open deals in columns by stage, moved by pointer or keyboard. `board` is
//! pure and tested natively; the page, hook and component exist on wasm32 only.

pub mod board;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod pipeline_board;
#[cfg(target_arch = "wasm32")]
mod use_pipeline;

#[cfg(target_arch = "wasm32")]
pub use page::PipelinePage;
#[cfg(target_arch = "wasm32")]
pub use pipeline_board::{DealMove, PipelineBoard};
#[cfg(target_arch = "wasm32")]
#[cfg(target_arch = "wasm32")]
pub use use_pipeline::{use_pipeline, PipelineHandle, PipelineView};
