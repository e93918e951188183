DROP INDEX articles_list_order;
