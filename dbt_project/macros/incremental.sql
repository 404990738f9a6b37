{#- How a daily build does the day's work (docs/architecture.md, "What a daily run touches").

    Dagster lists the load batches not yet built in the build file's table
    build_state.run_batches (a set: a pull interrupted and resumed can finish after
    later loads); without it, or with --full-refresh, every succeeded batch is built.
    Each run then:
    - parses only those batches' new versions (stg_ctgov__study_modules) and appends
      them to the staging and per-version models (delete+insert by version, so a
      batch built twice is still there once);
    - recomputes the trials those batches observed, removed or landed
      (int_touched_trials), and the sites and conditions any version of those trials
      lists, and merges them by key with the `touched` strategy below. -#}

{#- The table listing the batches of a daily build, or none when building every batch
    (when dbt runs by hand, on --full-refresh, and while parsing). -#}
{% macro daily_batches() -%}
    {%- set full_refresh = flags.FULL_REFRESH if flags is defined else false -%}
    {%- if not execute or full_refresh -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(adapter.get_relation(database=target.database, schema='build_state', identifier='run_batches')) -}}
{%- endmacro %}

{#- The batches this run builds, as a subquery for `in`. -#}
{% macro run_batches() -%}
    {%- set listed = daily_batches() -%}
    {%- if listed is none -%}
        (select batch_id from {{ source('ctgov', 'load_batches') }} where status = 'succeeded')
    {%- else -%}
        (select batch_id from {{ listed }})
    {%- endif -%}
{%- endmacro %}

{#- The model holding the keys a run recomputes, by key column (var touched_keys). -#}
{% macro touched_model(key) -%}
    {%- set models = var('touched_keys') -%}
    {#- sqlfluff's stand-in for var() gives no mapping: only dbt's can lack a key. -#}
    {%- if models is mapping and key not in models -%}
        {{ exceptions.raise_compiler_error('no touched keys for ' ~ key) }}
    {%- endif -%}
    {{- return(models[key]) -}}
{%- endmacro %}

{#- The same model, as a relation this model depends on. -#}
{% macro touched_keys(key) -%}
    {{- return(ref(touched_model(key))) -}}
{%- endmacro %}

{#- A filter to the rows of the keys this run recomputes (true when building whole).
    ref() is called either way, so dbt knows the dependency. -#}
{% macro only_touched(key, column=none) -%}
    {%- set relation = touched_keys(key) -%}
    {%- if is_incremental() -%}
        {{ column or key }} in (select {{ key }} from {{ relation }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- A filter to the versions this run landed (true when building whole). -#}
{% macro only_new_versions(nct_id='nct_id', content_hash='content_hash') -%}
    {%- set relation = ref('stg_ctgov__study_modules') -%}
    {%- if is_incremental() -%}
        {#- a row comparison, evaluated in the caller's scope (inside a subquery an
            unqualified nct_id would be the subquery's own) -#}
        ({{ nct_id }}, {{ content_hash }}) in (select nct_id, content_hash from {{ relation }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- A daily build notes in build_state.written each model whose rows it changed, when
    `changed` (a query) returns a row: publishing compares only the tables some build
    not yet published wrote (lib/warehouse/build_state.py). -#}
{% macro record_written(target, changed) -%}
    {%- if daily_batches() is not none -%}
        insert into build_state.written
        select '{{ target.schema }}.{{ target.identifier }}' where exists ({{ changed }});
    {%- endif -%}
{%- endmacro %}

{#- The `touched` incremental strategy: the target's rows of every key this run
    recomputes are replaced by the model's rows for them (a key with no rows left is
    gone). The model computes only those keys; the insert's filter makes sure. -#}
{% macro get_incremental_touched_sql(arg_dict) -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set touched = touched_keys(key) -%}
    {%- set target, model = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    {%- set before -%}
        select {{ columns }} from {{ target }} where {{ key }} in (select {{ key }} from {{ touched }})
    {%- endset -%}
    {%- set after -%}
        select {{ columns }} from {{ model }} where {{ key }} in (select {{ key }} from {{ touched }})
    {%- endset -%}
    {%- set differ -%}
        from ({{ before }} except all {{ after }}) union all from ({{ after }} except all {{ before }})
    {%- endset -%}
    {{ record_written(target, differ) }}
    delete from {{ target }}
    where {{ key }} in (select {{ key }} from {{ touched }});
    insert into {{ target }} ({{ columns }})
    {{ after }}
{%- endmacro %}

{#- dbt's delete+insert, recording the model as written when it has rows to insert (it
    deletes only the keys of those rows). Defined here, it is the one dbt dispatches to. -#}
{% macro duckdb__get_incremental_delete_insert_sql(arg_dict) -%}
    {{ record_written(arg_dict['target_relation'], 'from ' ~ arg_dict['temp_relation']) }}
    {{ default__get_incremental_delete_insert_sql(arg_dict) }}
{%- endmacro %}

{#- The relation dbt builds a model into, by the model's name, without a dependency
    (for tests, which run after the models they read). -#}
{% macro built_relation(name) -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', name) | first -%}
    {{- return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) -}}
{%- endmacro %}

{#- Which rows of a model (as `written`) a daily build wrote, as a filter; none when it
    rewrote them all (a full build, a table). By the model's strategy: `touched`, the
    keys it recomputed; `delete+insert` by version, the versions it landed; by batch,
    the batches it built. Every such source is built before the model. -#}
{% macro daily_test_scope(model) -%}
    {%- if daily_batches() is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('schema', 'equalto', model.schema)
        | selectattr('alias', 'equalto', model.identifier) | first -%}
    {%- set config = node.config if node else none -%}
    {%- if config is none or config.materialized != 'incremental' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set unique_key = config.unique_key -%}
    {%- if config.incremental_strategy == 'touched' -%}
        {%- set touched = built_relation(touched_model(unique_key)) -%}
        {{- return('written.' ~ unique_key ~ ' in (select ' ~ unique_key ~ ' from ' ~ touched ~ ')') -}}
    {%- elif config.incremental_strategy == 'delete+insert' and unique_key == ['nct_id', 'content_hash'] -%}
        {%- set versions = built_relation('stg_ctgov__study_modules') -%}
        {{- return('exists (select 1 from ' ~ versions ~ ' as landed where landed.nct_id = written.nct_id'
            ~ ' and landed.content_hash = written.content_hash)') -}}
    {%- elif config.incremental_strategy == 'delete+insert' and unique_key == 'batch_id' -%}
        {{- return('written.batch_id in ' ~ run_batches()) -}}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}

{#- The keys (nct_id, content_hash) of the current version of each trial this run
    recomputes: a mart keeps a per-version staging model's rows with
    `semi join {{ current_version_keys() }} using (nct_id, content_hash)`. -#}
{% macro current_version_keys() -%}
    (
        select nct_id, content_hash from {{ ref('int_current_versions') }}
        where {{ only_touched('nct_id') }}
    )
{%- endmacro %}
