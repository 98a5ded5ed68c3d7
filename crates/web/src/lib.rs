//! lookout's web pages, served beside the JSON API on the same server: the dashboard (`/`), a
//! site's page (`/sites/{id}`), the forms that add, edit, pause, resume and delete sites, and
//! the API docs (`/docs`). Server-rendered HTML (maud), a little plain JavaScript and CSS, all
//! embedded in the binary. Like the JSON API it calls the domain's use cases only.

mod assets;
mod charts;
mod etag;
mod format;
mod layout;
mod pages;
mod routes;
mod session;
mod state;

pub use routes::configure;
pub use session::SessionKey;
pub use state::{WebState, WebUseCases};
