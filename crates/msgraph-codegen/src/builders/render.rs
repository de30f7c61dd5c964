//! Turns a [`Plan`] into Rust tokens. Generated code only calls `crate::support` (hand-written,
//! in the builders crate) for encoding, validation and transport, so it stays declarative.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::facts::{EndBound, FilterForm, OpKind};
use super::plan::{ExpandChoice, Function, Node, NodeKind, Op, ParamType, Plan, TypeRef};
use crate::emit::doc_attrs;
use crate::naming;

/// Where the generated module finds things.
pub struct Ctx {
    /// Path of the models root for this version (`crate::models`, `crate::models::beta`).
    pub models: TokenStream,
    /// `V1` or `Beta` (variant of `crate::support::ApiVersion`).
    pub api_variant: Ident,
    /// Version label for docs (`v1.0`).
    pub label: String,
}

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

impl Ctx {
    fn ty(&self, t: &TypeRef) -> TokenStream {
        let models = &self.models;
        let module = naming::field_ident(&t.module);
        let name = ident(&t.rust_name);
        quote!(#models::#module::#name)
    }

    fn property_enum(&self, t: &TypeRef) -> Option<TokenStream> {
        let models = &self.models;
        let module = naming::field_ident(&t.module);
        let name = ident(t.property_enum.as_deref()?);
        Some(quote!(#models::#module::#name))
    }
}

/// Tokens of the whole module.
pub fn module(plan: &Plan, ctx: &Ctx) -> TokenStream {
    let label = &ctx.label;
    let api = &ctx.api_variant;
    let module_doc = crate::emit::inner_doc_attrs(&format!(
        "Request builders for Microsoft Graph {label}, generated from the CSDL in `metadata/`.\n\n\
         The builders mirror the URL space reached from the `{}` container through containment\n\
         navigation: a collection has `list()` and `by_id(..)`, an entity has `get()`, bound\n\
         functions are methods of their collection. Only `GET` operations exist (the API is\n\
         read-only). Query options are generated only where Graph documents them.",
        plan.container
    ));
    let mut items = TokenStream::new();
    let mut root_methods = TokenStream::new();
    for s in &plan.singletons {
        let method = naming::field_ident(&s.method);
        let builder = ident(&s.builder);
        let wire = &s.wire;
        let doc = doc_attrs(&format!("`{}`: the `{wire}` singleton.", s.path));
        root_methods.extend(quote! {
            #doc
            pub fn #method(&self) -> #builder {
                #builder {
                    client: self.client.clone(),
                    path: crate::support::ResourcePath::root().segment(#wire),
                }
            }
        });
        node(s, ctx, &mut items);
    }
    let root_doc = doc_attrs(&format!(
        "Root of the Graph {label} URL space (the `{}` entity container).",
        plan.container
    ));
    quote! {
        #module_doc

        /// The Graph version every request of this module is sent to.
        pub const API_VERSION: crate::support::ApiVersion = crate::support::ApiVersion::#api;

        #root_doc
        #[derive(Debug, Clone)]
        pub struct GraphServiceRequestBuilder {
            client: crate::runtime::GraphClient,
        }

        impl GraphServiceRequestBuilder {
            /// Builders for requests sent with `client`, addressed to [`API_VERSION`] whatever
            /// version the client was built for (same connection pool and token cache).
            pub fn new(client: &crate::runtime::GraphClient) -> Self {
                Self {
                    client: client.with_api_version(API_VERSION),
                }
            }

            #root_methods
        }

        #items
    }
}

fn builder_struct(name: &Ident, doc: &str) -> TokenStream {
    let doc = doc_attrs(doc);
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct #name {
            client: crate::runtime::GraphClient,
            path: crate::support::ResourcePath,
        }
    }
}

/// Methods that step from a builder to its child navigation builders.
fn child_methods(children: &[Node]) -> TokenStream {
    let mut out = TokenStream::new();
    for c in children {
        let method = naming::field_ident(&c.method);
        let builder = ident(&c.builder);
        let wire = &c.wire;
        let what = match c.kind {
            NodeKind::Collection { .. } => format!(
                "`{}`: the `{wire}` collection (`Collection({})`).",
                c.path, c.ty.qualified
            ),
            _ => format!(
                "`{}`: the `{wire}` navigation property (`{}`).",
                c.path, c.ty.qualified
            ),
        };
        let doc = doc_attrs(&what);
        out.extend(quote! {
            #doc
            pub fn #method(&self) -> #builder {
                #builder {
                    client: self.client.clone(),
                    path: self.path.segment(#wire),
                }
            }
        });
    }
    out
}

fn node(n: &Node, ctx: &Ctx, items: &mut TokenStream) {
    let builder = ident(&n.builder);
    match &n.kind {
        NodeKind::Singleton => {
            items.extend(builder_struct(
                &builder,
                &format!(
                    "`{}`: the `{}` singleton (`{}`).",
                    n.path, n.wire, n.ty.qualified
                ),
            ));
            let children = child_methods(&n.children);
            items.extend(quote! {
                impl #builder {
                    #children
                }
            });
        }
        NodeKind::Collection {
            list,
            item_builder,
            get,
            functions,
        } => {
            items.extend(builder_struct(
                &builder,
                &format!(
                    "`{}`: the `{}` collection (`Collection({})`).",
                    n.path, n.wire, n.ty.qualified
                ),
            ));
            let list_req = ident(&list.request);
            let item = ident(item_builder);
            let list_doc = doc_attrs(&format!("`GET {}`: {}.", list.path, list.operation));
            let by_id_doc = doc_attrs(&format!(
                "`{}/{{id}}`: one `{}` by id (percent-encoded into the path; an empty id is an\nargument error when the request is sent).",
                n.path, n.ty.csdl_name
            ));
            let key_label = format!("{} by_id", n.wire);
            let mut fn_methods = TokenStream::new();
            let mut fn_requests = TokenStream::new();
            for f in functions {
                fn_methods.extend(function_methods(f, ctx));
                fn_requests.extend(function_request(f, ctx));
            }
            items.extend(quote! {
                impl #builder {
                    #list_doc
                    pub fn list(&self) -> #list_req {
                        #list_req {
                            client: self.client.clone(),
                            path: self.path.clone(),
                            query: crate::support::QueryOptions::default(),
                            options: crate::support::RequestOptions::default(),
                        }
                    }

                    #by_id_doc
                    pub fn by_id(&self, id: impl AsRef<str>) -> #item {
                        #item {
                            client: self.client.clone(),
                            path: self.path.key(#key_label, id.as_ref()),
                        }
                    }

                    #fn_methods
                }
            });
            let Some(get) = get.as_deref() else {
                // Recursive containment: the item builder (and what lies below it) is an
                // ancestor's, generated there; this node has no children of its own.
                items.extend(op_request(list, ctx));
                items.extend(fn_requests);
                return;
            };
            items.extend(builder_struct(
                &item,
                &format!("`{}`: one `{}`.", get.path, n.ty.qualified),
            ));
            let get_req = ident(&get.request);
            let get_doc = doc_attrs(&format!("`GET {}`: {}.", get.path, get.operation));
            let children = child_methods(&n.children);
            items.extend(quote! {
                impl #item {
                    #get_doc
                    pub fn get(&self) -> #get_req {
                        #get_req {
                            client: self.client.clone(),
                            path: self.path.clone(),
                            query: crate::support::QueryOptions::default(),
                            options: crate::support::RequestOptions::default(),
                        }
                    }

                    #children
                }
            });
            items.extend(op_request(list, ctx));
            items.extend(op_request(get, ctx));
            items.extend(fn_requests);
        }
        NodeKind::Single { get } => {
            items.extend(builder_struct(
                &builder,
                &format!(
                    "`{}`: the `{}` navigation property (`{}`).",
                    n.path, n.wire, n.ty.qualified
                ),
            ));
            let get_req = ident(&get.request);
            let get_doc = doc_attrs(&format!("`GET {}`: {}.", get.path, get.operation));
            let children = child_methods(&n.children);
            items.extend(quote! {
                impl #builder {
                    #get_doc
                    pub fn get(&self) -> #get_req {
                        #get_req {
                            client: self.client.clone(),
                            path: self.path.clone(),
                            query: crate::support::QueryOptions::default(),
                            options: crate::support::RequestOptions::default(),
                        }
                    }

                    #children
                }
            });
            items.extend(op_request(get, ctx));
        }
        // Generated with the ancestor whose builder it reuses.
        NodeKind::Reused => {}
    }
    for c in &n.children {
        node(c, ctx, items);
    }
}

/// The request struct of a list or get operation, with its typed query-option setters.
fn op_request(op: &Op, ctx: &Ctx) -> TokenStream {
    let name = ident(&op.request);
    let operation = &op.operation;
    let ty = ctx.ty(&op.ty);
    let facts = op.facts.as_ref();
    let mut doc = format!("`GET {}`: {}", op.path, op.operation);
    let returns = match op.kind {
        OpKind::List => format!(" (`Collection({})`).", op.ty.qualified),
        OpKind::Get => format!(" (`{}`).", op.ty.qualified),
    };
    doc.push_str(&returns);
    match facts {
        Some(f) => doc.push_str(&format!("\n\nQuery options as documented: {}.", f.source)),
        None => doc.push_str(
            "\n\nGraph documents no query options for this operation, so none are generated.",
        ),
    }
    let doc = doc_attrs(&doc);
    let mut setters = TokenStream::new();
    let mut consts = TokenStream::new();
    if let Some(f) = facts {
        if f.select {
            if let Some(props) = ctx.property_enum(&op.ty) {
                setters.extend(quote! {
                    /// `$select`: only these properties (replaces an earlier selection).
                    pub fn select(mut self, properties: impl IntoIterator<Item = #props>) -> Self {
                        self.query.select = properties
                            .into_iter()
                            .map(|p| p.as_str().to_owned())
                            .collect();
                        self
                    }
                });
            }
        }
        if let Some(expand_enum) = &op.expand_enum {
            let e = ident(expand_enum);
            setters.extend(quote! {
                /// `$expand`: one navigation property (Graph expands a single relationship per
                /// request; a later call replaces an earlier one).
                pub fn expand(mut self, expand: #e) -> Self {
                    self.query.expand = Some(expand.expression());
                    self
                }
            });
        }
        if let Some(filter_type) = &op.filter_type {
            let ft = ident(filter_type);
            setters.extend(quote! {
                /// `$filter` with one of the documented forms (see the filter type).
                pub fn filter(mut self, filter: #ft) -> Self {
                    self.query.filter =
                        Some(crate::support::FilterExpression::expression(&filter).to_owned());
                    self
                }

                /// `$filter` with a raw OData expression, for forms the typed filter lacks.
                /// The text is percent-encoded but otherwise sent as is.
                pub fn filter_raw(mut self, expression: impl Into<String>) -> Self {
                    self.query.filter = Some(expression.into());
                    self
                }
            });
        }
        if f.top {
            setters.extend(quote! {
                /// `$top`: at most this many items per page.
                pub fn top(mut self, top: u32) -> Self {
                    self.query.top = Some(top);
                    self
                }
            });
        }
        if let Some(max) = f.max_page_size {
            let cdoc = doc_attrs(&format!(
                "Largest accepted `max_page_size` (the documented maximum page size; {}).",
                f.source
            ));
            consts.extend(quote! {
                #cdoc
                pub const MAX_PAGE_SIZE: u32 = #max;
            });
            setters.extend(quote! {
                /// `Prefer: odata.maxpagesize`: preferred page size, `1..=MAX_PAGE_SIZE`
                /// (checked before sending).
                pub fn max_page_size(mut self, size: u32) -> Self {
                    self.options.max_page_size = Some(size);
                    self
                }
            });
        }
    }
    let limit = match facts.and_then(|f| f.max_page_size) {
        Some(_) => quote!(Self::MAX_PAGE_SIZE),
        None => quote!(u32::MAX),
    };
    let send = match op.kind {
        OpKind::List => collection_sends(&ty),
        OpKind::Get => {
            let nested: Vec<&ExpandChoice> = op.expand.iter().filter(|e| e.collection).collect();
            let send_all = if nested.is_empty() {
                TokenStream::new()
            } else {
                let wires: Vec<&String> = nested.iter().map(|e| &e.wire).collect();
                let list = wires
                    .iter()
                    .map(|w| format!("`{w}@odata.nextLink`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let d = doc_attrs(&format!(
                    "Sends the request and follows the nested next links of expanded collections\n({list}), so the returned entity holds every expanded item."
                ));
                quote! {
                    #d
                    pub async fn send_all(self) -> Result<#ty, crate::support::Error> {
                        crate::support::send_entity_all(&self.client, self.prepare()?, &[#(#wires),*]).await
                    }
                }
            };
            quote! {
                /// Sends the request and returns the entity.
                ///
                /// # Errors
                /// [`Error::Argument`](crate::support::Error::Argument) for an argument Graph
                /// would reject (nothing is sent), or any error of the request.
                pub async fn send(self) -> Result<#ty, crate::support::Error> {
                    crate::support::send_entity(&self.client, self.prepare()?).await
                }

                #send_all
            }
        }
    };
    let option_setters = option_setters();
    let mut extra = TokenStream::new();
    if let Some(e) = &op.expand_enum {
        extra.extend(expand_enum(e, &op.expand, &op.path));
    }
    if let Some(f) = &op.filter_type {
        extra.extend(filter_type(f, &op.filter, &op.path));
    }
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name {
            client: crate::runtime::GraphClient,
            path: crate::support::ResourcePath,
            query: crate::support::QueryOptions,
            options: crate::support::RequestOptions,
        }

        impl #name {
            /// Operation name used in error messages.
            pub const OPERATION: &'static str = #operation;
            #consts

            #setters

            #option_setters

            /// Path and query relative to the version root, exactly as sent
            /// (`Prefer` headers are not part of it).
            pub fn url_path(&self) -> String {
                format!("{}{}", self.path.as_str(), self.query.query_string())
            }

            /// Validates the arguments (as `send` does, without sending) and freezes the request.
            ///
            /// # Errors
            /// [`Error::Argument`](crate::support::Error::Argument) naming the operation and value.
            pub fn prepare(&self) -> Result<crate::support::Prepared, crate::support::Error> {
                crate::support::Prepared::new(
                    Self::OPERATION,
                    &self.path,
                    &self.query,
                    &self.options,
                    #limit,
                )
            }

            #send
        }

        #extra
    }
}

/// The per-request option setters every request has (headers, `Prefer`, client-request-id,
/// timeout); the runtime's `RequestOptions` does the work.
fn option_setters() -> TokenStream {
    quote! {
        /// Per-request options: headers, `Prefer` values, a `client-request-id`, a timeout
        /// (replace every option set before, `max_page_size` included).
        pub fn options(mut self, options: crate::support::RequestOptions) -> Self {
            self.options = options;
            self
        }

        /// One more request header, e.g. `ConsistencyLevel` (`Authorization`, `Prefer` and
        /// `client-request-id` have their own settings; setting them here fails when sent).
        pub fn header(
            mut self,
            name: crate::runtime::header::HeaderName,
            value: crate::runtime::header::HeaderValue,
        ) -> Self {
            self.options = self.options.header(name, value);
            self
        }

        /// One more `Prefer` preference (`include-unknown-enum-members` is sent by default).
        pub fn prefer(mut self, preference: impl Into<String>) -> Self {
            self.options = self.options.prefer(preference);
            self
        }

        /// The `client-request-id` of every attempt (by default a fresh UUID per attempt).
        pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
            self.options = self.options.client_request_id(id);
            self
        }

        /// Timeout of each attempt, body included, instead of the client's.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options = self.options.timeout(timeout);
            self
        }
    }
}

/// `send` (first page) and the paging streams of a request that returns a collection.
fn collection_sends(ty: &TokenStream) -> TokenStream {
    quote! {
        /// Sends the request and returns the first page (`@odata.nextLink` in
        /// [`Page::next_link`](crate::support::Page::next_link)).
        ///
        /// # Errors
        /// [`Error::Argument`](crate::support::Error::Argument) for an argument Graph
        /// would reject (nothing is sent), or any error of the request.
        pub async fn send(self) -> Result<crate::support::Page<#ty>, crate::support::Error> {
            crate::support::send_page(&self.client, self.prepare()?).await
        }

        /// Every page in order, following `@odata.nextLink` (retries apply to every page);
        /// an argument error is the stream's only item.
        pub fn stream_pages(self) -> crate::support::PageStream<#ty> {
            crate::support::stream_pages(self.client.clone(), self.prepare())
        }

        /// Every item of every page, in order.
        pub fn stream_items(self) -> crate::support::ItemStream<#ty> {
            crate::support::stream_items(self.client.clone(), self.prepare())
        }

        /// The pages from `token` (a [`ResumeToken`](crate::support::ResumeToken) of an
        /// earlier stream) on, with this request's options.
        pub fn stream_pages_from(
            self,
            token: crate::support::ResumeToken,
        ) -> crate::support::PageStream<#ty> {
            crate::support::stream_pages_from(self.client.clone(), self.prepare(), token)
        }

        /// The items from `token` on: exactly those the stream that gave the token had not
        /// yielded.
        pub fn stream_items_from(
            self,
            token: crate::support::ResumeToken,
        ) -> crate::support::ItemStream<#ty> {
            crate::support::stream_items_from(self.client.clone(), self.prepare(), token)
        }
    }
}

fn expand_enum(name: &str, choices: &[ExpandChoice], path: &str) -> TokenStream {
    let name = ident(name);
    let mut variants = TokenStream::new();
    let mut arms = TokenStream::new();
    for c in choices {
        let v = ident(&naming::type_name(&c.wire));
        let wire = &c.wire;
        if c.nested.is_empty() {
            let d = doc_attrs(&format!("`$expand={wire}`."));
            variants.extend(quote!(#d #v,));
            arms.extend(quote!(Self::#v => #wire.to_owned(),));
        } else {
            let fields: Vec<Ident> = c
                .nested
                .iter()
                .map(|n| naming::field_ident(&naming::field_name(n)))
                .collect();
            let nested_wires = &c.nested;
            let field_docs: Vec<TokenStream> = c
                .nested
                .iter()
                .map(|n| doc_attrs(&format!("Also expand `{n}` inside each `{wire}` item.")))
                .collect();
            let example = format!("{wire}($expand={})", c.nested.join(","));
            let d = doc_attrs(&format!(
                "`$expand={wire}`, or `{example}` with nested expansion."
            ));
            variants.extend(quote! {
                #d
                #v {
                    #(#field_docs #fields: bool,)*
                },
            });
            arms.extend(quote! {
                Self::#v { #(#fields),* } => {
                    let mut nested: Vec<&str> = Vec::new();
                    #(if *#fields { nested.push(#nested_wires); })*
                    if nested.is_empty() {
                        #wire.to_owned()
                    } else {
                        format!("{}($expand={})", #wire, nested.join(","))
                    }
                }
            });
        }
    }
    let doc = doc_attrs(&format!("`$expand` choices of `GET {path}`."));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum #name {
            #variants
        }

        impl #name {
            /// The `$expand` expression (`sessions($expand=segments)`).
            pub fn expression(&self) -> String {
                match self {
                    #arms
                }
            }
        }
    }
}

fn filter_type(name: &str, forms: &[FilterForm], path: &str) -> TokenStream {
    let name_ident = ident(name);
    let mut methods = TokenStream::new();
    for form in forms {
        match form {
            FilterForm::DateTimeCompare { property: prop } => {
                let m = naming::field_ident(&naming::field_name(prop));
                let d = doc_attrs(&format!(
                    "`{prop} lt|le|gt|ge <instant>` (unquoted UTC literal)."
                ));
                methods.extend(quote! {
                    #d
                    pub fn #m() -> crate::support::DateTimeField<Self> {
                        crate::support::DateTimeField::new(#prop)
                    }
                });
            }
            FilterForm::AnyEq {
                collection,
                property,
            } => {
                let m = format_ident!(
                    "{}_{}_eq",
                    naming::field_name(collection),
                    naming::field_name(property)
                );
                let d = doc_attrs(&format!(
                    "`{collection}/any(p:p/{property} eq '<value>')` (the value is quoted, `'` doubled)."
                ));
                methods.extend(quote! {
                    #d
                    pub fn #m(value: &str) -> Self {
                        crate::support::any_eq(#collection, #property, value)
                    }
                });
            }
        }
    }
    let doc = doc_attrs(&format!(
        "`$filter` of `GET {path}`: only the documented forms, combined with [`{name}::and`]."
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name_ident(String);

        impl crate::support::FilterExpression for #name_ident {
            fn from_expression(text: String) -> Self {
                Self(text)
            }

            fn expression(&self) -> &str {
                &self.0
            }
        }

        impl #name_ident {
            #methods

            /// Both conditions (`a and b`).
            pub fn and(self, other: Self) -> Self {
                crate::support::FilterExpression::and(self, other)
            }

            /// The OData expression text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    }
}

fn param_type(t: ParamType) -> TokenStream {
    match t {
        ParamType::DateTimeOffset => quote!(chrono::DateTime<chrono::Utc>),
        ParamType::String => quote!(&str),
        ParamType::Int32 => quote!(i32),
        ParamType::Int64 => quote!(i64),
        ParamType::Boolean => quote!(bool),
    }
}

fn param_literal(t: ParamType, arg: &Ident) -> TokenStream {
    match t {
        ParamType::DateTimeOffset => quote!(crate::support::encode::datetime_literal(&#arg)),
        ParamType::String => quote!(crate::support::encode::string_literal(#arg)),
        ParamType::Int32 | ParamType::Int64 | ParamType::Boolean => quote!(#arg.to_string()),
    }
}

/// The methods on the collection builder that call a bound function.
fn function_methods(f: &Function, ctx: &Ctx) -> TokenStream {
    let method = naming::field_ident(&f.method);
    let req = ident(&f.request);
    let qualified = &f.qualified;
    let args: Vec<Ident> = f
        .params
        .iter()
        .map(|p| naming::field_ident(&p.rust))
        .collect();
    let arg_types: Vec<TokenStream> = f.params.iter().map(|p| param_type(p.ty)).collect();
    let wires: Vec<&String> = f.params.iter().map(|p| &p.wire).collect();
    let literals: Vec<TokenStream> = f
        .params
        .iter()
        .zip(&args)
        .map(|(p, a)| param_literal(p.ty, a))
        .collect();
    let signature = f
        .params
        .iter()
        .map(|p| format!("{}={{{}}}", p.wire, p.wire))
        .collect::<Vec<_>>()
        .join(",");
    let mut doc = format!(
        "`GET {}/{qualified}({signature})`: calls `{}`.\n\n\
         Parameters are encoded as Graph expects: namespace-qualified name, unquoted UTC\n\
         date-time literals (`2026-11-01T00:00:00Z`), reserved characters percent-encoded.\n\
         Rules: {}.",
        f.path.trim_end_matches(&format!("/{qualified}(..)")),
        f.name,
        f.facts.source
    );
    let check = if f.date_range {
        doc.push_str(
            "\n\nArguments are checked when the request is sent: `fromDateTime` not before\n\
             `toDateTime`, or a range over the documented maximum, is then an\n\
             [`Error::Argument`](crate::support::Error::Argument) and nothing is sent.",
        );
        let (from, to) = (&args[0], &args[1]);
        quote!(.checked(#req::RULES.check(#from, #to)))
    } else {
        TokenStream::new()
    };
    let doc = doc_attrs(&doc);
    let mut out = quote! {
        #doc
        pub fn #method(&self, #(#args: #arg_types),*) -> #req {
            let segment = crate::support::encode::function_segment(
                #qualified,
                &[#((#wires, #literals)),*],
            );
            #req {
                client: self.client.clone(),
                path: self.path.function(segment)#check,
                options: crate::support::RequestOptions::default(),
            }
        }
    };
    if f.date_range && f.returns_collection {
        let windowed = format_ident!("{}_windowed", f.method);
        let windowed_by = format_ident!("{}_windowed_by", f.method);
        let ty = ctx.ty(&f.returns);
        let days = f.facts.window_days;
        let (from, to) = (&args[0], &args[1]);
        let end_doc = match f.facts.end {
            EndBound::Inclusive => {
                "`toDateTime` is inclusive, so each window ends 100 ns before the next starts"
            }
            EndBound::Exclusive => {
                "`toDateTime` is exclusive, so consecutive windows share their boundary"
            }
        };
        let doc = doc_attrs(&format!(
            "`{}` over a range of any length: split into consecutive windows of {days} days\n\
             ({end_doc}), each paged in order, so every row is yielded once, without gaps.\n\n\
             An empty or reversed range is an [`Error::Argument`](crate::support::Error::Argument),\n\
             the only item of the streams (nothing is sent).",
            f.name
        ));
        let doc_by = doc_attrs(&format!(
            "Like [`Self::{windowed}`] with windows of `window` (at least one second; at most the\n\
             documented maximum range, checked per window). An empty or reversed range or a bad\n\
             window is an [`Error::Argument`](crate::support::Error::Argument) when streamed."
        ));
        out.extend(quote! {
            #doc
            pub fn #windowed(
                &self,
                #from: chrono::DateTime<chrono::Utc>,
                #to: chrono::DateTime<chrono::Utc>,
            ) -> crate::support::Windowed<#ty> {
                self.#windowed_by(#from, #to, chrono::Duration::days(#days))
            }

            #doc_by
            pub fn #windowed_by(
                &self,
                #from: chrono::DateTime<chrono::Utc>,
                #to: chrono::DateTime<chrono::Utc>,
                window: chrono::Duration,
            ) -> crate::support::Windowed<#ty> {
                let requests = crate::support::DateRange::new(#from, #to)
                    .windows(#req::RULES.operation, window, #req::RULES.end)
                    .map_err(crate::support::Error::from)
                    .and_then(|windows| {
                        windows
                            .into_iter()
                            .map(|w| self.#method(w.from, w.to).prepare())
                            .collect::<Result<Vec<_>, _>>()
                    });
                crate::support::Windowed::new(self.client.clone(), requests)
            }
        });
    }
    out
}

/// The request struct of a bound function call.
fn function_request(f: &Function, ctx: &Ctx) -> TokenStream {
    let name = ident(&f.request);
    let operation = &f.name;
    let ty = ctx.ty(&f.returns);
    let page_size = f.facts.page_size.map(|size| {
        quote! {
            /// Rows per page the service returns.
            pub const PAGE_SIZE: u32 = #size;
        }
    });
    let doc = doc_attrs(&format!(
        "A call of `{}` (returns `{}{}`), built by the collection's `{}` method.",
        f.qualified,
        if f.returns_collection {
            "Collection("
        } else {
            ""
        },
        if f.returns_collection {
            format!("{})", f.returns.qualified)
        } else {
            f.returns.qualified.clone()
        },
        f.method
    ));
    let rules = if f.date_range {
        let max = match f.facts.max_days {
            Some(d) => quote!(Some(#d)),
            None => quote!(None),
        };
        let end = match f.facts.end {
            EndBound::Inclusive => quote!(crate::support::EndBound::Inclusive),
            EndBound::Exclusive => quote!(crate::support::EndBound::Exclusive),
        };
        let d = doc_attrs(&format!(
            "Documented date-range rules ({}).",
            f.facts.source
        ));
        quote! {
            #d
            pub const RULES: crate::support::RangeRules = crate::support::RangeRules {
                operation: #operation,
                max_days: #max,
                end: #end,
            };
        }
    } else {
        TokenStream::new()
    };
    let send = if f.returns_collection {
        collection_sends(&ty)
    } else {
        quote! {
            /// Sends the request and returns the value.
            ///
            /// # Errors
            /// [`Error::Argument`](crate::support::Error::Argument) for an argument Graph
            /// would reject (nothing is sent), or any error of the request.
            pub async fn send(self) -> Result<#ty, crate::support::Error> {
                crate::support::send_entity(&self.client, self.prepare()?).await
            }
        }
    };
    let option_setters = option_setters();
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name {
            client: crate::runtime::GraphClient,
            path: crate::support::ResourcePath,
            options: crate::support::RequestOptions,
        }

        impl #name {
            /// Operation name used in error messages.
            pub const OPERATION: &'static str = #operation;
            #page_size
            #rules

            #option_setters

            /// Path relative to the version root, exactly as sent.
            pub fn url_path(&self) -> String {
                self.path.as_str().to_owned()
            }

            /// Validates the arguments (as `send` does, without sending) and freezes the request.
            ///
            /// # Errors
            /// [`Error::Argument`](crate::support::Error::Argument) naming the operation and value.
            pub fn prepare(&self) -> Result<crate::support::Prepared, crate::support::Error> {
                crate::support::Prepared::new(
                    Self::OPERATION,
                    &self.path,
                    &crate::support::QueryOptions::default(),
                    &self.options,
                    u32::MAX,
                )
            }

            #send
        }
    }
}
