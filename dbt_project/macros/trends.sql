{#- How the trend marts do the day's work (docs/architecture.md, "What a daily run touches").

    A trend mart sums what every trial adds to each segment, so a day's loads change it
    only where what a touched trial adds changed. Each mart reads a ledger: a model
    holding, per trial, what it adds (int_recruiting_events, int_trial_years), whose
    rows carry a `ledger` state:
    - 'seen': the mart has counted the row;
    - 'new': recomputed by a build, not yet counted;
    - 'retired': counted by the mart, then replaced by a build; kept until the mart has
      taken it back out.
    The difference between a ledger's retired and new rows says which segments, from
    which day, the mart recomputes (int_recruiting_changes, int_yearly_changes); the
    mart's post-hook then acknowledges the ledger. A build killed between the ledger and
    its mart leaves both states in place, so the next build still sees the change. -#}

{#- The trials a trend ledger recomputes: the touched ones, or every trial when a build
    renames a MeSH term (the ledgers hold segments by name). -#}
{% macro only_trend_touched(key='nct_id') -%}
    {#- Both called either way, so dbt knows the dependencies. -#}
    {%- set renamed = ref('int_renamed_conditions') -%}
    {%- set touched = only_touched(key) -%}
    {%- if is_incremental() -%}
        ({{ touched }} or exists (select 1 from {{ renamed }}))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The `ledger` incremental strategy: rows of keys the mart has not counted yet are
    replaced, rows it has counted are retired, and the new rows go in as 'new'. The keys
    are the model's own and every touched key (a key may have no rows left). -#}
{% macro get_incremental_ledger_sql(arg_dict) -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set target, temp = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set keys -%}
        (select {{ key }} from {{ temp }} union select {{ key }} from {{ touched_keys(key) }})
    {%- endset -%}
    {#- A ledger's rows move with each trial recomputed: noted as written every time. -#}
    {{ record_written(target, 'select 1') }}
    delete from {{ target }} where ledger = 'new' and {{ key }} in {{ keys }};
    update {{ target }} set ledger = 'retired' where ledger = 'seen' and {{ key }} in {{ keys }};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
{%- endmacro %}

{#- The ledger's rows the mart has not yet taken into account: what it counted and is
    retired, and what is new, each less what the other also holds (a trial recomputed
    to the same rows changes nothing). -#}
{% macro ledger_changes(ledger, columns) -%}
    {%- set listed = columns | join(', ') -%}
    (
        (
            select {{ listed }} from {{ ledger }} where ledger = 'retired'
            except all
            select {{ listed }} from {{ ledger }} where ledger = 'new'
        )
        union all
        (
            select {{ listed }} from {{ ledger }} where ledger = 'new'
            except all
            select {{ listed }} from {{ ledger }} where ledger = 'retired'
        )
    )
{%- endmacro %}

{#- A trend mart's post-hook: it has counted the ledger's changes. Runs in the mart's
    transaction, so the two never disagree. The ledger's own name (render), not the
    subquery a ref becomes in an `--empty` build, which no DELETE accepts. -#}
{% macro acknowledge_ledger(ledger) -%}
    delete from {{ ledger.render() }} where ledger = 'retired';
    update {{ ledger.render() }} set ledger = 'seen' where ledger = 'new'
{%- endmacro %}

{#- The `replace_windows` incremental strategy of the trend marts: the model's rows
    replace the rows with the same key, and the rows inside the windows of the model
    named by the `windows` config are deleted (a segment may shrink or vanish). A
    window is a row of that model: its columns match the target's, but window_start,
    the first value of the `window_column` config the window covers. -#}
{% macro get_incremental_replace_windows_sql(arg_dict) -%}
    {%- set target, temp = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set windows = ref(config.get('windows')) -%}
    {%- set window_column = config.get('window_column') -%}
    {%- set matched = adapter.get_columns_in_relation(windows) | map(attribute='name')
        | reject('equalto', 'window_start') | list -%}
    {%- set same_key = [] -%}
    {%- for column in arg_dict['unique_key'] -%}
        {%- do same_key.append('new_row.' ~ column ~ ' = target_row.' ~ column) -%}
    {%- endfor -%}
    {%- set in_window = ['target_row.' ~ window_column ~ ' >= window_row.window_start'] -%}
    {%- for column in matched -%}
        {%- do in_window.append('window_row.' ~ column ~ ' = target_row.' ~ column) -%}
    {%- endfor %}
    {{ record_written(target, 'select 1 from ' ~ temp ~ ' union all select 1 from ' ~ windows) }}
    delete from {{ target }} as target_row
    where exists (select 1 from {{ temp }} as new_row where {{ same_key | join(' and ') }})
    or exists (select 1 from {{ windows }} as window_row where {{ in_window | join(' and ') }});
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
{%- endmacro %}
