-- Records that could not be landed: why, from which file and where in it.
select * from {{ ref('stg_ctgov__quarantine') }}
